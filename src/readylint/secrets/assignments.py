"""RL504: a secret-looking name bound to a literal that looks like a real secret.

    DB_PASSWORD = "hX9!vq2Lr7"           (Python, JS/TS)
    "client_secret": "hX9!vq2Lr7…"       (JSON, Python and JS dicts)
    api_key: hX9!vq2Lr7…                 (YAML)
    DB_PASSWORD=hX9!vq2Lr7               (.env, shell, Dockerfile ENV/ARG)
    password = hX9!vq2Lr7                (TOML, INI, Terraform, .properties)

The name decides whether a value *should* be secret: its last word (or last
two) must be a secret word (`password`, `token`, `api key`, `secret key`, …)
and no word may mark it as something else (`password_hash`, `csrf_token`,
`eos_token`, `public_key`). The value decides whether it *is* one: long
enough, no spaces, random enough, several character classes, and not a
placeholder, a reference (`${…}`, `{{ … }}`, `%(…)s`), a path, a UUID, an
identifier, or a public JWT (a Supabase `anon` key). Files under test
directories are skipped by default (`quiet-in-tests`): their credentials are
fixtures. So are minified bundles, by name (`*.min.js`) or by shape, and
generated code (`DO NOT EDIT`, an API client generated from its spec, whose
literals are the spec's examples).

A literal default of a secret-named variable is committed as surely as an
assignment is: `${SECRET_KEY:-60gp…}` (compose files, shell, Dockerfiles,
.env), `os.getenv("SECRET_KEY", "60gp…")`, `environ.get`, django-environ's
`env(…, default=…)`, decouple's `config(…)`, `process.env.SECRET_KEY || "…"`.
What is not a literal is not read: Terraform and HCL values are expressions
unless quoted (`var.db_password`), and `${var.x}` in a string is a reference.
Values that name themselves (`token: "token_xyz123"`), identifiers made of
words and short parts (`polar_cl_e2e_seed_checkout_link`), values marked as
stand-ins (`mock…`, `fake…`, `dummy…`, `test…`, or by a comment after them),
examples (`example=`, `@example`, `placeholder=`), keys public by design
(`phc_`, `pk_live_`) and modules whose header says they hold samples are
not secrets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

from readylint.catalog import RuleSpec
from readylint.discovery import PathMatcher
from readylint.secrets.base import FilePlace, Hit, looks_minified, skip_matcher, test_matcher
from readylint.secrets.context import compile_markers, declares_sample_data, stands_in
from readylint.secrets.jwt import claims_match, jwt_claims
from readylint.secrets.values import (
    character_classes, compile_any, has_long_run, is_identifier, is_uuid, is_wordlike, shannon_entropy,
)
from readylint.sources import SourceFile, looks_generated

_QUOTED = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
_NAME = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
# Code: `name = "v"`, `name: Type = "v"`, `name="v"` (keyword argument),
# `"name": "v"` / `name: "v"` (dict and object literals), `name == "v"` and
# `name === "v"` (a hard-coded credential check). The value must end
# the expression, so `"Bearer " + token` or `"%s" % x` is not a literal secret.
CODE_RE = re.compile(
    rf"(?P<name>{_NAME}|\"[^\"\n]{{1,80}}\"|'[^'\n]{{1,80}}')"
    r"\s*(?::\s*[\w\[\]., |]{1,60}?\s*(?==)|)"
    r"(?P<op>(?<![=!<>:+\-*/%&|^])(?:===|==|=)(?![=>])|:(?!=))\s*"
    rf"(?:[rRbBuU]{{1,2}})?(?P<value>{_QUOTED}|`[^`\\\n$]*`)"
    r"(?=\s*(?:[,;:)\]}]|#|//|$))",
    re.MULTILINE,
)
JSON_RE = re.compile(r"(?P<name>\"[^\"\n]{1,80}\")\s*:\s*(?P<value>\"(?:[^\"\\\n]|\\.)*\")")
# `NAME=value` at the start of a line (.env, shell; `export` allowed).
ENV_RE = re.compile(
    rf"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][\w.-]*)[ \t]*=[ \t]*(?P<value>{_QUOTED}|[^\s#'\"]+)",
    re.MULTILINE,
)
YAML_RE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?P<name>[A-Za-z_][\w.-]*|\"[^\"\n]+\"|'[^'\n]+')[ \t]*:[ \t]+"
    rf"(?P<value>{_QUOTED}|[^\s#'\"&*!|>{{\[%@`][^\s#]*)[ \t]*(?:#.*)?$"
    r"|^[ \t]*-[ \t]+[\"']?(?P<lname>[A-Za-z_][\w.-]*)=(?P<lvalue>[^\s\"']+)",
    re.MULTILINE,
)
INI_RE = re.compile(
    r"^[ \t]*(?P<name>[A-Za-z_\"'][\w.\-\"']*)[ \t]*[=:][ \t]*"
    rf"(?P<value>{_QUOTED}|[^\s#;'\"{{\[<$][^\s#;]*)[ \t]*(?:[#;].*)?$",
    re.MULTILINE,
)
DOCKERFILE_RE = re.compile(
    rf"(?:^[ \t]*(?:ENV|ARG)[ \t]+|(?<=[ \t]))(?P<name>[A-Za-z_]\w*)=(?P<value>{_QUOTED}|[^\s\"']+)"
    r"|^[ \t]*ENV[ \t]+(?P<sname>[A-Za-z_]\w*)[ \t]+(?P<svalue>[^\s=\"']\S*)[ \t]*$",
    re.MULTILINE,
)
# Terraform and HCL: an unquoted value is an expression (`var.db_password`,
# `random_password.db.result`), never a literal; only quoted strings are read.
HCL_RE = re.compile(
    r"^[ \t]*(?P<name>[A-Za-z_][\w-]*|\"[^\"\n]{1,80}\")[ \t]*[=:][ \t]*"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\")[ \t]*,?[ \t]*(?:(?:#|//).*)?$",
    re.MULTILINE,
)
# A variable's literal default in shell parameter expansion: `${SECRET_KEY:-v}`,
# `${SECRET_KEY-v}`, `${SECRET_KEY:=v}` (compose files, shell, Dockerfiles, .env).
SHELL_DEFAULT_RE = re.compile(r"\$\{(?P<dname>[A-Za-z_]\w*):?[-=](?P<dvalue>[^\s}$\"'`]+)\}")
# The same in code: the literal an environment read falls back to.
CODE_DEFAULT_RE = re.compile(
    r"\b(?:getenv|environ\.get|env(?:\.str)?|config)\(\s*(?P<dquote>[\"'])(?P<dname>[A-Za-z_]\w*)(?P=dquote)"
    rf"\s*,\s*(?:default\s*=\s*)?(?:[rRbBuU]{{1,2}})?(?P<dvalue>{_QUOTED})\s*[,)]"
    rf"|\bprocess\.env\.(?P<jname>[A-Za-z_]\w*)\s*(?:\|\||\?\?)\s*(?P<jvalue>{_QUOTED}|`[^`\\\n$]*`)"
)
# Each syntax's patterns: its assignments, then the defaults it can hold. A
# default's pattern runs only where its literal is (str.find is far cheaper
# than a regex that starts with an alternation).
ASSIGNMENT = ""
SYNTAXES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "code": ((ASSIGNMENT, CODE_RE), ("env", CODE_DEFAULT_RE), ("config(", CODE_DEFAULT_RE)),
    "json": ((ASSIGNMENT, JSON_RE),),
    "env": ((ASSIGNMENT, ENV_RE), ("${", SHELL_DEFAULT_RE)),
    "yaml": ((ASSIGNMENT, YAML_RE), ("${", SHELL_DEFAULT_RE)),
    "ini": ((ASSIGNMENT, INI_RE),),
    "hcl": ((ASSIGNMENT, HCL_RE),),
    "dockerfile": ((ASSIGNMENT, DOCKERFILE_RE), ("${", SHELL_DEFAULT_RE)),
}
# Alternatives inside one syntax's regexes name their groups apart.
NAME_VALUE_GROUPS = (("name", "value"), ("lname", "lvalue"), ("sname", "svalue"), ("dname", "dvalue"),
                     ("jname", "jvalue"))
DEFAULT_GROUPS = frozenset({"dname", "jname"})
DOCKERFILE_LINE_RE = re.compile(r"^[ \t]*(?:ENV|ARG)[ \t]", re.MULTILINE)

# Splits `dbPassword`, `DB_PASSWORD`, `api-key`, `settings.SECRET_KEY` into words.
WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
AUTH_SCHEME_RE = re.compile(r"(?i)(?:bearer|basic|token)\s+(?=\S+$)")
# Characters an unquoted .env / shell / YAML value cannot hold without quotes.
UNQUOTED_CODE_RE = re.compile(r"[()<>|;`\\]")
HEX_DIGEST_RE = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")


def name_words(name: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(name.strip("\"'"))]


@dataclass
class NameRules:
    secret_words: frozenset[str]
    secret_pairs: frozenset[str]
    ignored_words: frozenset[str]
    password_words: frozenset[str]

    def is_secret_name(self, name: str) -> bool:
        if name.lstrip("\"'").startswith("@"):
            return False  # an npm package (`"@medusajs/api-key": "workspace:*"`), not a variable
        words = name_words(name)
        if not words or self.ignored_words.intersection(words):
            return False
        if words[-1] in self.secret_words:
            return True
        return len(words) >= 2 and f"{words[-2]} {words[-1]}" in self.secret_pairs

    def is_password(self, name: str) -> bool:
        words = name_words(name)
        return bool(words) and words[-1] in self.password_words

    def is_authorization(self, name: str) -> bool:
        words = name_words(name)
        return bool(words) and words[-1] == "authorization"


@dataclass
class ValueRules:
    min_length: int
    max_length: int
    entropy_floor: float
    placeholder_re: re.Pattern[str] | None
    hash_re: re.Pattern[str] | None
    public_jwts: list[dict[str, Any]]
    stand_in_markers: re.Pattern[str] | None
    public_re: re.Pattern[str] | None
    secret_words: frozenset[str]

    def looks_secret(self, value: str, name: str, is_password: bool = False) -> bool:
        if not self.min_length <= len(value) <= self.max_length or any(c.isspace() for c in value):
            return False
        if names_itself(value, name, self.secret_words, is_password) or self.placeholder_re and self.placeholder_re.search(value):
            return False
        if self.hash_re and self.hash_re.search(value):
            return False
        if self.public_re and self.public_re.search(value):
            return False
        if self.stand_in_markers and self.stand_in_markers.match(value):
            return False
        if is_wordlike(value) or is_identifier(value) or is_uuid(value) or has_long_run(value):
            return False
        if character_classes(value) < 2:
            return False
        if "://" in value or value.startswith(("/", "./", "../", "~/")) or re.fullmatch(r"[\d.:_\-]+", value):
            return False
        if value.startswith("eyJ"):
            claims = jwt_claims(value)
            if claims is not None and any(claims_match(claims, public) for public in self.public_jwts):
                return False
        return shannon_entropy(value) >= self.entropy_floor


# What may follow a name's own word in a value that only names itself
# (`token_xyz123`, `password1`): separators, then a few characters.
SELF_NAMED_TAIL = 6


def names_itself(value: str, name: str, secret_words: Iterable[str] = (), is_password: bool = False) -> bool:
    """The value is its name, or one of its name's words (or a secret word:
    `Bearer token123`) and a short tail. Not for a password's name:
    `password123` is the weak password a seeded account really has."""
    lowered = value.lower()
    if lowered == name.lower().strip("\"'"):
        return True
    if is_password:
        return False
    for word in (*name_words(name), *secret_words):
        if len(word) >= 3 and lowered.startswith(word):
            return len(lowered[len(word):].lstrip("_-.")) <= SELF_NAMED_TAIL
    return False


@dataclass
class FileSyntax:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (literal it needs, pattern)
    is_dockerfile: bool
    file: SourceFile
    place: FilePlace

    @cached_property
    def holds_stand_ins(self) -> bool:
        """Regenerated from a spec, whose literals are its examples, or sample
        data by its own header. Asked on the file's first candidate only: most
        files have none."""
        return looks_generated(self.file.text) or declares_sample_data(self.file.text)

    def matches(self, text: str, start: int, end: int) -> Iterable[re.Match[str]]:
        """Each pattern's matches in text[start:end], once per pattern."""
        ran: set[int] = set()
        for literal, pattern in self.patterns:
            if id(pattern) in ran or literal and text.find(literal, start, end) == -1:
                continue
            ran.add(id(pattern))
            yield from pattern.finditer(text, start, end)


class AssignmentProbe:
    code = "RL504"

    def __init__(self, keywords: Iterable[str], names: NameRules, values: ValueRules):
        self.keywords = tuple(keywords)
        self.names = names
        self.values = values

    def scan(self, text: str, start: int, end: int, state: FileSyntax) -> Iterable[Hit]:
        # `start` is mid-line in a window of a long line: the ENV/ARG is at the line's start.
        if state.is_dockerfile and not DOCKERFILE_LINE_RE.match(text, text.rfind("\n", 0, start) + 1):
            return
        for match in state.matches(text, start, end):
            found = match.groupdict()
            name_group, value_group = next(
                (pair for pair in NAME_VALUE_GROUPS if found.get(pair[0]) is not None), NAME_VALUE_GROUPS[0]
            )
            name = match.group(name_group)
            if not self.names.is_secret_name(name):
                continue
            value_start, value_end = match.span(value_group)
            if text[value_start] in "\"'`":
                value_start, value_end = value_start + 1, value_end - 1
            elif UNQUOTED_CODE_RE.search(text, value_start, value_end):
                continue  # shell or code, not a value: `Token.objects.get(key=`
            elif text[value_end - 1] == ",":
                value_end -= 1  # an item of a flow mapping or a call: `'secret': NAPALM_PASSWORD,`
            value = text[value_start:value_end]
            scheme = AUTH_SCHEME_RE.match(value) if self.names.is_authorization(name) else None
            if scheme:
                value_start += scheme.end()
                value = value[scheme.end():]
            if self.names.is_password(name) and HEX_DIGEST_RE.fullmatch(value):
                continue  # a stored password hash (MD5, SHA-1, SHA-256), not a password
            # A stand-in prefix is judged on the value itself (looks_secret): in
            # `${KEY:-mock…}` the token run around it starts at the `-`.
            if not self.values.looks_secret(value, name, self.names.is_password(name)) or stands_in(
                text, value_start, value_end, None
            ):
                continue
            if state.holds_stand_ins or state.place.in_tests:
                return  # decided on the file's first candidate: most files have none
            shown = name.strip("\"'")
            if name_group in DEFAULT_GROUPS:
                message = (f"`{shown}` falls back to a literal secret when the environment does not set it: "
                           "drop the default (fail when it is missing), set it in the environment or a secret "
                           "manager, and rotate it: it stays in the git history")
            elif found.get("op") in ("==", "==="):
                message = (f"`{shown}` is checked against a hard-coded secret: compare with a value from the "
                           "environment or a secret manager (constant-time: hmac.compare_digest)")
            else:
                message = (f"`{shown}` is set to a literal secret: move it to the environment or a secret "
                           "manager (and rotate it: it stays in the git history)")
            yield Hit(self.code, "generic-secret", value_start, value_end, value, message)


class AssignmentFamily:
    code = "RL504"

    def __init__(self, rule: RuleSpec, options: dict[str, Any]):
        catalog = rule.catalog
        self.skip = skip_matcher(catalog)
        self.tests = test_matcher(catalog, options)
        self.syntaxes = []
        for entry in catalog.get("syntaxes") or ():
            syntax = str(entry["syntax"])
            if syntax not in SYNTAXES:
                raise ValueError(f"RL504: unknown syntax {syntax!r} (known: {', '.join(SYNTAXES)})")
            self.syntaxes.append((PathMatcher(list(entry["files"])), syntax))
        names = NameRules(
            secret_words=frozenset(w.lower() for w in catalog.get("secret_words") or ()),
            secret_pairs=frozenset(p.lower() for p in catalog.get("secret_pairs") or ()),
            ignored_words=frozenset(w.lower() for w in catalog.get("ignored_words") or ()),
            password_words=frozenset(w.lower() for w in catalog.get("password_words") or ()),
        )
        values = ValueRules(
            min_length=int(options.get("min-length", 8)),
            max_length=int(catalog.get("max_length", 400)),
            entropy_floor=float(options.get("entropy-floor", 3.0)),
            placeholder_re=compile_any(catalog.get("placeholders") or ()),
            hash_re=compile_any(catalog.get("hash_formats") or ()),
            public_jwts=list(catalog.get("public_jwt_claims") or ()),
            stand_in_markers=compile_markers(list(catalog.get("stand_in_prefixes") or ())),
            public_re=compile_any(catalog.get("public_values") or ()),
            secret_words=names.secret_words,
        )
        keywords = sorted({str(k).lower() for k in catalog.get("keywords") or ()})
        self.probes = [AssignmentProbe(keywords, names, values)]

    def file_state(self, file: SourceFile) -> FileSyntax | None:
        if self.skip.matches(file.path):
            return None
        for matcher, syntax in self.syntaxes:
            if not matcher.matches(file.path):
                continue
            if syntax == "code" and looks_minified(file):
                return None  # a bundle (`main.3f2a1b.js`): short names, long random strings
            return FileSyntax(SYNTAXES[syntax], syntax == "dockerfile", file, FilePlace(file.path, self.tests))
        return None
