"""Rule catalogs: one YAML file per rule, shipped in `rules/` and extendable by users.

A catalog file says *what* a rule looks for and documents it; the matching
check under `readylint.checks` says *how*. Data several rules share lives
once, in a data file of `rules/` that each rule names in `catalog_includes`
(`data-access.yaml`); the rule's own `catalog` is merged over it. Users extend
a shipped rule with their own YAML (`extend-rules` in the configuration): its
`catalog` data is merged into the shipped one, lists appended and mappings
merged; `code: data-access` extends a shared file in every rule including it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from readylint.diagnostics import Applicability, Severity

# libyaml's loader when pyyaml was built with it: catalogs load on every run.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Rule families by code prefix (fixed in ARCHITECTURE.md).
FAMILIES = {
    "RL0": "engine",
    "RL1": "outbound-calls",
    "RL2": "data-access",
    "RL3": "webhooks",
    "RL4": "migrations",
    "RL5": "secrets",
    "RL6": "service-hardening",
}
CODE_RE = re.compile(r"^RL\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
REQUIRED_TEXT_FIELDS = ("name", "summary", "why", "example", "use_instead")
KNOWN_FIELDS = {
    "code", "name", "severity", "summary", "why", "example", "use_instead",
    "example_path", "options", "catalog", "catalog_includes", "fix", "suppression_markers", "tags",
}


class CatalogError(Exception):
    """A rule catalog file that cannot be used; says which file and which field."""

    def __init__(self, path: Path | str, field_name: str | None, reason: str):
        where = f"{path}" + (f": field '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class OptionSpec:
    name: str
    default: Any
    description: str


@dataclass
class RuleSpec:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    # A flagged and a clean example: a single file's text (named by
    # `example_path`), or a mapping of path -> text for project rules.
    example: str | dict[str, str]
    use_instead: str | dict[str, str]
    example_path: str
    options: dict[str, OptionSpec]
    catalog: dict[str, Any]
    fix: Applicability | None
    # Comment markers other tools use that also silence this rule
    # (`pragma: allowlist secret`), so switching to readylint costs nothing.
    suppression_markers: tuple[str, ...]
    tags: tuple[str, ...]
    sources: list[Path] = field(default_factory=list)
    # Shared data files the catalog includes (`catalog_includes`), by name.
    includes: dict[str, Path] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return FAMILIES[self.code[:3]]

    def option_defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.options.items()}


def shipped_rules_dir() -> Path:
    """`rules/` as installed in the wheel, or at the root of a source checkout."""
    packaged = Path(__file__).resolve().parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CatalogError(path, None, "not UTF-8 text") from None
    try:
        return yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(path, None, f"invalid YAML{where}: {problem}") from None


def _text_or_files(path: Path, name: str, value: Any) -> str | dict[str, str]:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return value
    raise CatalogError(path, name, "must be non-empty text, or a mapping of file path to text")


def _parse_options(path: Path, raw: Any) -> dict[str, OptionSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CatalogError(path, "options", "must be a mapping of option name to {default, description}")
    options = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or "default" not in spec:
            raise CatalogError(path, f"options.{name}", "must be a mapping with a 'default'")
        options[str(name)] = OptionSpec(str(name), spec["default"], str(spec.get("description", "")))
    return options


def parse_rule(path: Path, data: Any) -> RuleSpec:
    """Validate one shipped rule file and build its spec."""
    if not isinstance(data, dict):
        raise CatalogError(path, None, "must be a YAML mapping")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise CatalogError(path, unknown[0], f"unknown field (known: {', '.join(sorted(KNOWN_FIELDS))})")
    code = data.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise CatalogError(path, "code", "must be 'RL' followed by three digits, e.g. RL101")
    for name in REQUIRED_TEXT_FIELDS:
        if name not in data:
            raise CatalogError(path, name, "is required")
    rule_name = data["name"]
    if not isinstance(rule_name, str) or not NAME_RE.match(rule_name):
        raise CatalogError(path, "name", "must be kebab-case, e.g. outbound-call-without-timeout")
    try:
        severity = Severity.parse(data.get("severity", "error"))
    except ValueError as exc:
        raise CatalogError(path, "severity", str(exc)) from None
    fix = data.get("fix")
    if fix is not None:
        try:
            fix = Applicability(fix)
        except ValueError:
            raise CatalogError(path, "fix", "must be 'safe' or 'unsafe'") from None
    catalog = data.get("catalog") or {}
    if not isinstance(catalog, dict):
        raise CatalogError(path, "catalog", "must be a mapping")
    includes = data.get("catalog_includes") or []
    if not isinstance(includes, list) or not all(isinstance(name, str) for name in includes):
        raise CatalogError(path, "catalog_includes", "must be a list of file names in the rules directory")
    # Data several rules share (the ORM vocabulary of the data-access rules)
    # lives once, in its own file; the rule's own catalog extends it.
    included = [path.parent / name for name in includes]
    for shared_path in included:
        shared = _load_yaml(shared_path)
        if not isinstance(shared, dict):
            raise CatalogError(shared_path, None, "must be a YAML mapping")
        catalog = merge_catalog(shared, catalog)
    for text_field in ("summary", "why"):
        if not isinstance(data[text_field], str) or not data[text_field].strip():
            raise CatalogError(path, text_field, "must be non-empty text")
    markers = data.get("suppression_markers") or []
    tags = data.get("tags") or []
    if not isinstance(markers, list) or not all(isinstance(m, str) for m in markers):
        raise CatalogError(path, "suppression_markers", "must be a list of strings")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise CatalogError(path, "tags", "must be a list of strings")
    return RuleSpec(
        code=code,
        name=rule_name,
        severity=severity,
        summary=data["summary"].strip(),
        why=data["why"].strip(),
        example=_text_or_files(path, "example", data["example"]),
        use_instead=_text_or_files(path, "use_instead", data["use_instead"]),
        example_path=str(data.get("example_path", "example.py")),
        options=_parse_options(path, data.get("options")),
        catalog=catalog,
        fix=fix,
        suppression_markers=tuple(markers),
        tags=tuple(tags),
        sources=[*included, path],
        includes={shared_path.stem: shared_path for shared_path in included},
    )


def merge_catalog(base: Any, extra: Any) -> Any:
    """Deep merge: lists are appended, mappings merged, scalars replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = merge_catalog(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    return extra


class Catalog:
    """Every known rule, by code and by name."""

    def __init__(self, rules: Iterable[RuleSpec]):
        self.by_code: dict[str, RuleSpec] = {}
        self.by_name: dict[str, RuleSpec] = {}
        for rule in sorted(rules, key=lambda r: r.code):
            self.by_code[rule.code] = rule
            self.by_name[rule.name] = rule

    def __iter__(self):
        return iter(self.by_code.values())

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, code_or_name: str) -> RuleSpec | None:
        key = code_or_name.strip()
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def matching(self, selector: str) -> list[RuleSpec]:
        """Rules a selector names: a code (RL101), a prefix (RL1, RL), a name, or ALL."""
        key = selector.strip()
        if key.upper() == "ALL":
            return list(self)
        rule = self.get(key)
        if rule:
            return [rule]
        if re.fullmatch(r"RL\d{0,3}", key.upper()):
            return [r for r in self if r.code.startswith(key.upper())]
        return []

    @classmethod
    def load(cls, directory: Path | None = None, extensions: Iterable[Path] = ()) -> "Catalog":
        directory = directory or shipped_rules_dir()
        rules: dict[str, RuleSpec] = {}
        for path in sorted(directory.glob("RL*.yaml")):
            rule = parse_rule(path, _load_yaml(path))
            expected = f"{rule.code}-{rule.name}.yaml"
            if path.name != expected:
                raise CatalogError(path, None, f"file name must be {expected}")
            if rule.code in rules:
                raise CatalogError(path, "code", f"{rule.code} is defined twice")
            rules[rule.code] = rule
        for path in extensions:
            extend_rule(rules, path)
        return cls(rules.values())


EXTENSION_FIELDS = {"code", "catalog", "options"}


def extend_rule(rules: dict[str, RuleSpec], path: Path) -> None:
    """Merge a user's catalog file into the shipped rule it names.

    A user file names the rule by `code` (or `name`) and adds `catalog` data
    (their in-house HTTP client, their own webhook decorator) and may change
    option defaults. It cannot define a rule that has no implementation.
    """
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError(path, None, "must be a YAML mapping")
    documents = data.get("rules") if "rules" in data else [data]
    if not isinstance(documents, list):
        raise CatalogError(path, "rules", "must be a list of rule extensions")
    for index, doc in enumerate(documents):
        where = f"rules[{index}]." if "rules" in data else ""
        if not isinstance(doc, dict):
            raise CatalogError(path, f"{where.rstrip('.')}" or None, "must be a mapping")
        key = doc.get("code") or doc.get("name")
        if not isinstance(key, str):
            raise CatalogError(path, f"{where}code", "is required: the code or name of the rule to extend")
        rule = rules.get(key.upper()) or next((r for r in rules.values() if r.name == key), None)
        unknown = sorted(set(doc) - EXTENSION_FIELDS - {"name"})
        if unknown:
            raise CatalogError(
                path, f"{where}{unknown[0]}",
                "cannot be changed by an extension (allowed: catalog, options)",
            )
        catalog = doc.get("catalog") or {}
        if not isinstance(catalog, dict):
            raise CatalogError(path, f"{where}catalog", "must be a mapping")
        if rule is None:
            _extend_shared_catalog(rules, path, where, key, doc, catalog)
            continue
        _check_shape(path, f"{where}catalog", rule.catalog, catalog)
        rule.catalog = merge_catalog(rule.catalog, catalog)
        options = doc.get("options") or {}
        if not isinstance(options, dict):
            raise CatalogError(path, f"{where}options", "must be a mapping of option name to default")
        for name, value in options.items():
            if name not in rule.options:
                raise CatalogError(path, f"{where}options.{name}", f"{rule.code} has no such option")
            spec = rule.options[name]
            rule.options[name] = OptionSpec(name, value, spec.description)
        rule.sources.append(path)


def _extend_shared_catalog(
    rules: dict[str, RuleSpec], path: Path, where: str, key: str, doc: dict, catalog: dict
) -> None:
    """`code: data-access` extends the shared file `data-access.yaml`, in
    every rule that includes it: one extension teaches all of them."""
    including = [r for r in rules.values() if key in r.includes]
    if not including:
        raise CatalogError(path, f"{where}code", f"{key} is not a readylint rule or shared catalog "
                                                 "(see `readylint rules`)")
    if doc.get("options"):
        raise CatalogError(path, f"{where}options", f"a shared catalog ({key}) has no options")
    _check_shape(path, f"{where}catalog", _load_yaml(including[0].includes[key]), catalog)
    for rule in including:
        rule.catalog = merge_catalog(rule.catalog, catalog)
        rule.sources.append(path)


def _check_shape(path: Path, where: str, shipped: Any, extra: Any) -> None:
    """An extension must use the shipped catalog's keys and container types."""
    if isinstance(shipped, dict) and isinstance(extra, dict):
        for key, value in extra.items():
            if key not in shipped:
                known = ", ".join(sorted(map(str, shipped))) or "none"
                raise CatalogError(path, f"{where}.{key}", f"unknown catalog key (known: {known})")
            _check_shape(path, f"{where}.{key}", shipped[key], value)
    elif isinstance(shipped, list) and not isinstance(extra, list):
        raise CatalogError(path, where, "must be a list")
    elif isinstance(shipped, dict) and not isinstance(extra, dict):
        raise CatalogError(path, where, "must be a mapping")
