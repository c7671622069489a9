"""RL503: connection strings with a literal password.

Two shapes: URLs (`postgres://app:s3cret@db.internal/app`, HTTP basic auth)
and key=value connection strings (`host=db user=app password=s3cret`,
`Server=…;Password=…;`). A password that is a reference (`${DB_PASSWORD}`,
`$DB_PASSWORD`, `%(password)s`, `{password}`) or a placeholder (`password`,
`changeme`, `***`, the user name again) is not a finding, nor is a host that
exists only in documentation (`example.com`, `xxx.psdb.cloud`), nor one on an
example's line or called fake in a comment after it. A URL that points at the
developer's own machine or a compose service (`localhost`, `db`) with a
trivial password is local development configuration, not a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from readylint.catalog import RuleSpec
from readylint.diagnostics import mask_secret
from readylint.secrets.base import FilePlace, Hit, skip_matcher, test_matcher
from readylint.secrets.context import stands_in
from readylint.secrets.values import compile_any, has_long_run, shannon_entropy
from readylint.sources import SourceFile

URL_RE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{1,30})://"
    r"(?P<user>[^\s:/@'\"`<>(){}\[\]\\|,;]*)"
    r":(?P<password>[^\s@/'\"`<>(){}\[\]\\|]+)"
    r"@(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._%\-]+)"
)
# What every URL_RE match holds: `://`, then user:password (no slash, no
# space) and `@`. Most lines with a URL are links (changelogs, lockfiles):
# this literal-led search rules them out far faster than URL_RE can.
CREDENTIALS_RE = re.compile(r"://[^\s/@]*@")
DSN_PASSWORD_RE = re.compile(r"(?i)(?<![\w-])(?:password|pwd)\s*=\s*(?P<password>[^\s;'\"&]+)")
DSN_CONTEXT_RE = re.compile(r"(?i)(?<![\w-])(?:host|server|data source|dbname|database|user id|uid|user)\s*=")
DSN_HOST_RE = re.compile(r"(?i)(?<![\w-])(?:host|server|data source)\s*=\s*(?P<host>[^\s;'\"&,]+)")
# Shorter than this, a password is a stand-in (`http://us:pa@ex.co`), not one anybody uses.
MIN_PASSWORD = 4
IPV4_LOOPBACK_RE = re.compile(r"127(?:\.\d{1,3}){3}")
# `password=` in code rather than in a string: a parameter's default or a
# keyword argument (`def login(self, user=None, password=None)`,
# `connect(host=h, password=os.environ["PW"])`) is a name, a call or a
# subscript that argument punctuation ends, never a literal password.
CODE_EXPRESSION_RE = re.compile(r"[A-Za-z_][\w.]*[(\[,)]")


@dataclass
class PasswordJudge:
    placeholder_passwords: frozenset[str]
    placeholder_re: re.Pattern[str] | None
    example_hosts: re.Pattern[str] | None
    local_hosts: frozenset[str]
    strong_entropy: float
    strong_length: int

    def is_placeholder(self, password: str, user: str = "") -> bool:
        lowered = password.lower()
        if lowered in self.placeholder_passwords or (user and lowered == user.lower()):
            return True
        if has_long_run(password):
            return True
        return bool(self.placeholder_re and self.placeholder_re.search(password))

    def is_local(self, host: str) -> bool:
        host = host.lower().strip("[]")
        single_label = "." not in host and ":" not in host
        return host in self.local_hosts or single_label or bool(IPV4_LOOPBACK_RE.fullmatch(host))

    def looks_generated(self, password: str) -> bool:
        return len(password) >= self.strong_length and shannon_entropy(password) >= self.strong_entropy


class UrlProbe:
    code = "RL503"
    keywords = ("://",)

    def __init__(self, judge: PasswordJudge, schemes: frozenset[str]):
        self.judge = judge
        self.schemes = schemes

    def scan(self, text: str, start: int, end: int, state: FilePlace) -> Iterable[Hit]:
        if not CREDENTIALS_RE.search(text, start, end):
            return
        for match in URL_RE.finditer(text, start, end):
            scheme = match.group("scheme").lower().split("+")[0]
            if scheme not in self.schemes:
                continue
            user, password, host = match.group("user", "password", "host")
            if self.judge.is_placeholder(password, user) or len(password) < MIN_PASSWORD:
                continue
            if self.judge.example_hosts and self.judge.example_hosts.fullmatch(host):
                continue
            if self.judge.is_local(host) and not self.judge.looks_generated(password):
                continue
            if stands_in(text, match.start("password"), match.end(), None):
                continue
            if state.in_tests:
                return  # a test database (quiet-in-tests)
            yield Hit(
                self.code, f"{scheme}-url", match.start("password"), match.end("password"), password,
                f"{scheme}:// URL with a literal password `{mask_secret(password)}`: revoke it, then pass "
                "the whole URL (or the password) from the environment or a secret manager",
            )


class ConnectionStringProbe:
    code = "RL503"
    keywords = ("password=", "pwd=", "password =", "pwd =")

    def __init__(self, judge: PasswordJudge):
        self.judge = judge

    def scan(self, text: str, start: int, end: int, state: FilePlace) -> Iterable[Hit]:
        if not DSN_CONTEXT_RE.search(text, start, end):
            return
        found = DSN_HOST_RE.search(text, start, end)
        host = found.group("host") if found else ""
        if host and self.judge.example_hosts and self.judge.example_hosts.fullmatch(host):
            return  # `host=xxx.example.com … password=…`: documentation
        for match in DSN_PASSWORD_RE.finditer(text, start, end):
            password = match.group("password")
            if self.judge.is_placeholder(password) or len(password) < MIN_PASSWORD or CODE_EXPRESSION_RE.match(password):
                continue
            if host and self.judge.is_local(host) and not self.judge.looks_generated(password):
                continue  # as for URLs: the developer's own database
            if stands_in(text, match.start("password"), match.end(), None):
                continue
            if state.in_tests:
                return
            yield Hit(
                self.code, "connection-string", match.start("password"), match.end("password"), password,
                f"connection string with a literal password `{mask_secret(password)}`: revoke it, then "
                "pass it from the environment or a secret manager",
            )


class PasswordUrlFamily:
    code = "RL503"

    def __init__(self, rule: RuleSpec, options: dict[str, Any]):
        catalog = rule.catalog
        self.skip = skip_matcher(catalog)
        self.tests = test_matcher(catalog, options)
        judge = PasswordJudge(
            placeholder_passwords=frozenset(str(p).lower() for p in catalog.get("placeholder_passwords") or ()),
            placeholder_re=compile_any(catalog.get("placeholder_patterns") or ()),
            example_hosts=compile_any(catalog.get("example_hosts") or ()),
            local_hosts=frozenset(str(h).lower() for h in catalog.get("local_hosts") or ()),
            strong_entropy=float(options.get("local-password-entropy", 3.5)),
            strong_length=12,
        )
        self.probes = [
            UrlProbe(judge, frozenset(str(s).lower() for s in catalog.get("schemes") or ())),
            ConnectionStringProbe(judge),
        ]

    def file_state(self, file: SourceFile) -> FilePlace | None:
        return None if self.skip.matches(file.path) else FilePlace(file.path, self.tests)
