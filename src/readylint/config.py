"""Configuration: `[tool.readylint]` in pyproject.toml, or readylint.yaml / .readylint.yaml.

The nearest configuration file wins, searching from the linted paths up to
the filesystem root (a pyproject.toml without a `[tool.readylint]` table
does not count). Keys are kebab-case; unknown keys are errors with a
suggestion, because a misspelt `exclude` silently linting everything is
worse than a failed run.

    [tool.readylint]
    select = ["RL1", "RL4"]            # codes, prefixes or names; default: all
    ignore = ["RL202"]
    exclude = [...]                    # replaces the default excludes
    extend-exclude = ["legacy/"]
    per-file-ignores = { "tests/*" = ["RL5"] }
    extend-rules = ["lint/our-http-client.yaml"]
    max-file-size = "2MB"
    fail-on = "warning"                # lowest severity that fails the run
    respect-gitignore = true
    strict-suppressions = false        # report blanket or unknown suppressions (RL003)
    baseline = ".readylint-baseline.json"  # hide findings recorded by `readylint baseline`

    [tool.readylint.rules.RL101]       # per-rule options, by code or name
    default-timeout = 10
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from readylint.diagnostics import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILENAMES = ("readylint.yaml", ".readylint.yaml", "pyproject.toml")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)


class ConfigError(Exception):
    """A configuration that cannot be used: one line naming file, key and problem."""


@dataclass
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    extend_rules: list[Path] = field(default_factory=list)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fail_on: Severity = Severity.WARNING
    respect_gitignore: bool = True
    strict_suppressions: bool = False
    baseline: Path | None = None
    # Rule code or name -> {option: value}; validated against the catalog by the engine.
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def directory(self) -> Path | None:
        return self.path.parent if self.path else None


def _string_list(source: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(f"{source}: '{key}' must be a list of strings")


def parse_size(source: str, key: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = SIZE_RE.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ConfigError(f"{source}: '{key}' must be a size such as 2MB, 500KB or 1048576")
    number, unit = float(match.group(1)), (match.group(2) or "b").lower()
    scale = {"k": 1024, "m": 1024**2, "g": 1024**3}.get(unit[0], 1)
    return int(number * scale)


def _bool(source: str, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ConfigError(f"{source}: '{key}' must be true or false")


def _path(source: str, key: str, value: Any) -> Path:
    if isinstance(value, str) and value:
        return Path(value)
    raise ConfigError(f"{source}: '{key}' must be a file path")


def _severity(source: str, key: str, value: Any) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{source}: '{key}': {exc}") from None


def _per_file_ignores(source: str, key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: '{key}' must map path patterns to lists of rules")
    return {str(pattern): _string_list(source, f"{key}.{pattern}", codes) for pattern, codes in value.items()}


def _rule_options(source: str, key: str, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{source}: '{key}' must map rule codes to tables of options")
    return {str(rule): dict(options) for rule, options in value.items()}


# Each key: the Config attribute it sets and how to read its value.
KEYS = {
    "select": ("select", _string_list),
    "ignore": ("ignore", _string_list),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "extend-rules": ("extend_rules", _string_list),
    "max-file-size": ("max_file_size", parse_size),
    "fail-on": ("fail_on", _severity),
    "respect-gitignore": ("respect_gitignore", _bool),
    "strict-suppressions": ("strict_suppressions", _bool),
    "baseline": ("baseline", _path),
    "rules": ("rule_options", _rule_options),
}


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def config_from_mapping(data: dict[str, Any], path: Path, source: str) -> Config:
    config = Config(path=path)
    for key, value in data.items():
        if key not in KEYS:
            valid = ", ".join(sorted(KEYS))
            raise ConfigError(
                f"{source}: unknown key '{key}'{suggest(str(key), list(KEYS))}; valid keys: {valid}"
            )
        attribute, read = KEYS[key]
        setattr(config, attribute, read(source, key, value))
    # Paths in the file are relative to the file, wherever readylint runs from.
    config.extend_rules = [(path.parent / p).resolve() for p in config.extend_rules]
    if config.baseline is not None:
        config.baseline = (path.parent / config.baseline).resolve()
    return config


def _read_config_table(path: Path) -> dict[str, Any] | None:
    """The readylint table of a config file; None for a pyproject.toml without one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {getattr(exc, 'strerror', None) or exc}") from None
    if path.name == "pyproject.toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        table = document.get("tool", {}).get("readylint")
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.readylint] must be a table")
        return table
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: must be a YAML mapping of readylint settings")
    return document


def find_config_file(start: Path) -> Path | None:
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_FILENAMES:
            candidate = candidate_dir / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and _read_config_table(candidate) is None:
                continue
            return candidate
    return None


def load_config(explicit: Path | None, start: Path) -> Config:
    """The explicit `--config FILE`, else the nearest configuration file, else defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        path = explicit.resolve()
    else:
        found = find_config_file(start.resolve())
        if found is None:
            return Config()
        path = found
    table = _read_config_table(path)
    source = f"{path} [tool.readylint]" if path.name == "pyproject.toml" else str(path)
    return config_from_mapping(table or {}, path, source)
