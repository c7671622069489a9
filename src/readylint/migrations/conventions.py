"""Recognising migration files by each tool's conventions.

The conventions themselves (path patterns, marker comments, layouts) are data
in `rules/migration-conventions.yaml`; this module applies them to one file at
a time and says where the file sits: which tool, which history (the directory
that holds it), which version, which direction. It never reads other files,
except to confirm a sqitch project by its plan file.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from readylint.catalog import shipped_rules_dir
from readylint.migrations.liquibase_changelog import is_changelog
from readylint.sources import LineCounter

CONVENTIONS_FILE = "migration-conventions.yaml"
NUMBER_OR_TEXT_RE = re.compile(r"\d+|\D+")


@dataclass(frozen=True)
class Convention:
    name: str
    layout: str
    path: re.Pattern[str] | None
    patterns: dict[str, re.Pattern[str]]  # the layout's marker patterns, compiled
    settings: dict[str, Any]  # the rest of its entry (plain values)

    def marker(self, name: str) -> re.Pattern[str]:
        return self.patterns[name]


@dataclass(frozen=True)
class Conventions:
    ordered: tuple[Convention, ...]
    irreversible_comment: re.Pattern[str]

    def named(self, name: str) -> Convention:
        return next(c for c in self.ordered if c.name == name)


PATTERN_KEYS = {
    "up_marker", "down_marker", "header", "changeset", "rollback", "irreversible_rollback",
    "repeatable", "plan_change", "down_path", "needs_down", "registration",
}


@lru_cache(maxsize=None)
def load_conventions(directory: str | None = None) -> Conventions:
    path = Path(directory) if directory else shipped_rules_dir()
    data = yaml.safe_load((path / CONVENTIONS_FILE).read_text(encoding="utf-8"))
    ordered = []
    for entry in data["conventions"]:
        patterns = {
            key: re.compile(value, re.M if key.endswith("marker") or key in {"header", "changeset"} else 0)
            for key, value in entry.items() if key in PATTERN_KEYS
        }
        settings = {k: v for k, v in entry.items() if k not in PATTERN_KEYS | {"name", "layout", "path"}}
        path_re = re.compile(entry["path"]) if "path" in entry else None
        ordered.append(Convention(entry["name"], entry["layout"], path_re, patterns, settings))
    return Conventions(tuple(ordered), re.compile(data["irreversible_comment"]))


@dataclass(frozen=True)
class MigrationFile:
    """Where one file sits in a migration history."""

    convention: str
    layout: str
    history: str  # the directory holding the history (posix, relative)
    version: str  # the tool's version text, ordered by `version_key`
    title: str  # the migration's name: file name without version and suffix
    direction: str  # up, down, undo, repeatable, revert, verify

    @property
    def is_forward(self) -> bool:
        return self.direction in ("up", "repeatable")

    @property
    def order(self) -> tuple:
        # Flyway runs repeatable migrations after every versioned one.
        return (self.direction == "repeatable", version_key(self.version), self.title)


def version_key(version: str) -> tuple:
    """Natural order: 2 before 10, 1.9 before 1.10, timestamps as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in NUMBER_OR_TEXT_RE.findall(version))


def identify(path: str, text: str, abs_path: Path | None = None) -> MigrationFile | None:
    """The history this file belongs to, or None for a file outside any."""
    conventions = load_conventions()
    for convention in conventions.ordered:
        found = _match(convention, path, text, abs_path)
        if found is not None:
            return found
    return None


def _match(convention: Convention, path: str, text: str, abs_path: Path | None) -> MigrationFile | None:
    layout = convention.layout
    match = convention.path.search(path) if convention.path else None
    if layout == "sections":
        if not convention.marker("up_marker").search(text):
            return None
        return _file(convention, path, match, "up")
    if layout == "changesets":
        if not convention.marker("header").search(text[:2000]):
            return None
        return _file(convention, path, match, "up")
    if layout == "changelog":
        if match is None or not is_changelog(path, text):
            return None
        return _file(convention, path, match, "up")
    if layout in ("alembic", "django", "script", "registration"):
        if match is None or convention.settings["marker"] not in text:
            return None
        return _file(convention, path, match, "up")
    if layout == "undo-files":
        if match is None:
            repeatable = convention.marker("repeatable").search(path)
            if repeatable is None:
                return None
            title = posixpath.basename(path)[3:-4]
            return MigrationFile(convention.name, layout, posixpath.dirname(path), "", title, "repeatable")
        direction = "up" if match.group("direction") == "V" else "undo"
        return _file(convention, path, match, direction)
    if layout == "plan":
        if match is None or not _has_plan(convention, path, match, abs_path):
            return None
        direction = "up" if match.group("direction") == "deploy" else match.group("direction")
        return _file(convention, path, match, direction)
    if layout == "forward-only":
        down_path = convention.patterns.get("down_path")
        down = down_path.search(path) if down_path else None
        if down is not None:
            return _file(convention, path, down, "down")
        if match is None:
            return None
        return _file(convention, path, match, "up")
    if layout == "paired-files":
        if match is None:
            return None
        return _file(convention, path, match, match.group("direction"))
    raise ValueError(f"{CONVENTIONS_FILE}: {convention.name}: unknown layout {layout!r}")


def _file(convention: Convention, path: str, match: re.Match[str] | None, direction: str) -> MigrationFile:
    groups = match.groupdict() if match else {}
    name = posixpath.basename(path)
    version = groups.get("version") or name
    title = groups.get("title") or name.rsplit(".", 1)[0]
    history = groups["history"].rstrip("/") if groups.get("history") is not None else posixpath.dirname(path)
    if groups.get("variant"):
        history += "#" + groups["variant"]
    return MigrationFile(convention.name, convention.layout, history, version, title, direction)


def _has_plan(convention: Convention, path: str, match: re.Match[str], abs_path: Path | None) -> bool:
    """A sqitch project has its plan file beside the deploy/ directory."""
    if abs_path is None:
        return False
    relative_depth = path[match.start("direction"):].count("/")
    top = abs_path
    for _ in range(relative_depth + 1):
        top = top.parent
    return (top / convention.settings["plan_file"]).is_file()


def plan_changes(text: str) -> list[str]:
    """The change names of a sqitch plan, in deploy order (reworked changes
    appear once, at their first position)."""
    pattern = load_conventions().named("sqitch").marker("plan_change")
    seen: dict[str, None] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("%", "#", "@")):
            continue
        match = pattern.match(stripped)
        if match:
            seen.setdefault(match.group("title"), None)
    return list(seen)


def is_sqitch_plan(path: str) -> bool:
    return posixpath.basename(path) == load_conventions().named("sqitch").settings["plan_file"]


@lru_cache(maxsize=4096)
def may_belong_to_history(path: str) -> bool:
    """A path-only test (no reading): could this file be part of a migration
    history? Used to read the whole history when only some files are linted."""
    if is_sqitch_plan(path):
        return True
    if path.endswith(".sql"):
        return True
    return any(
        c.layout in ("alembic", "django", "script", "registration") and c.path is not None and c.path.search(path)
        for c in load_conventions().ordered
    )


@dataclass(frozen=True)
class Section:
    text: str
    first_line: int  # line of the file where `text` starts
    marker_line: int  # line of the marker comment that opens the section (0: none)


def sections(convention: Convention, text: str) -> tuple[Section | None, Section | None]:
    """The up and down sections of a file with marker comments (dbmate, goose)."""
    up = convention.marker("up_marker").search(text)
    down = convention.marker("down_marker").search(text)
    return _section(text, up, down), _section(text, down, up)


def _section(text: str, opening: re.Match[str] | None, other: re.Match[str] | None) -> Section | None:
    if opening is None:
        return None
    start = text.find("\n", opening.end())
    start = len(text) if start == -1 else start + 1
    end = other.start() if other is not None and other.start() > opening.start() else len(text)
    marker_line = text.count("\n", 0, opening.start()) + 1
    return Section(text[start:end], text.count("\n", 0, start) + 1, marker_line)


@dataclass(frozen=True)
class Changeset:
    label: str  # author:id
    line: int
    body: Section
    rollbacks: tuple[str, ...]  # the text after each `--rollback`


def changesets(convention: Convention, text: str) -> list[Changeset]:
    """The changesets of a Liquibase formatted-SQL file, with their rollbacks."""
    starts = list(convention.marker("changeset").finditer(text))
    rollback_re = convention.marker("rollback")
    lines = LineCounter(text)
    found = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        body_start = text.find("\n", start.end())
        body_start = end if body_start == -1 or body_start > end else body_start + 1
        body = text[body_start:end]
        rollbacks = tuple(
            m.group("body").strip()
            for line in body.splitlines()
            if (m := rollback_re.match(line.strip()))
        )
        line = lines.line_at(start.start())
        found.append(Changeset(start.group("id"), line, Section(body, line + 1, line), rollbacks))
    return found
