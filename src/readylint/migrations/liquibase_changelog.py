"""The changeSets of a Liquibase changelog in XML, YAML or JSON.

Each changeSet's change types (`createTable`, `sql`, ...) in order, and its
rollback as written: none, empty (`<rollback/>`, `rollback: []`: declared
irreversible), or present (changes, SQL text, or a reference to another
changeSet). A master changelog (`include`, `includeAll`) holds no changeSets
and yields none.

Changelogs come from the scanned repository, so they are parsed as
untrusted input: XML by expat with any DOCTYPE refused (no entity of any
kind, internal or external, can be declared, so none is expanded or
fetched), YAML by PyYAML's safe composer (nodes only, no object built),
JSON by the standard library. A changelog that does not parse raises
`UnreadableChangelog` with the reason and the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.parsers import expat

import yaml

from readylint.diagnostics import UnreadableInput
from readylint.sources import LineCounter

# Elements of a changeSet that are not changes.
CHANGESET_METADATA = frozenset({"comment", "preConditions", "validCheckSum", "modifySql", "rollback"})
JSON_CHANGESET_RE = re.compile(r'"changeSet"\s*:')
SUFFIXES = (".xml", ".yaml", ".yml", ".json")

NO_ROLLBACK, EMPTY_ROLLBACK, PRESENT_ROLLBACK = "none", "empty", "present"


class UnreadableChangelog(UnreadableInput):
    def __init__(self, reason: str, line: int):
        super().__init__(f"Liquibase changelog does not parse at line {line}: {reason}")
        self.line = line


@dataclass(frozen=True)
class Change:
    kind: str  # the change type, namespace prefix removed: createTable, sql
    dbms: str = ""  # the databases it runs on (`dbms="h2"`), as written; empty: all


@dataclass(frozen=True)
class ChangelogChangeSet:
    label: str  # author:id, as Liquibase names it
    line: int
    changes: tuple[Change, ...]  # in order
    rollback: str  # NO_ROLLBACK | EMPTY_ROLLBACK | PRESENT_ROLLBACK
    context: str = ""  # the context (or contextFilter) expression, as written
    dbms: str = ""  # the changeSet's own `dbms`


def is_changelog(path: str, text: str) -> bool:
    """A cheap test: a changelog's format and its root key."""
    return path.lower().endswith(SUFFIXES) and "databaseChangeLog" in text


def changelog_changesets(path: str, text: str) -> list[ChangelogChangeSet]:
    lowered = path.lower()
    if lowered.endswith(".xml"):
        return _xml(text)
    if lowered.endswith(".json"):
        return _json(text)
    return _yaml(text)


# ---------------------------------------------------------------- XML


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _XmlReader:
    """expat events to changeSets: depth 1 is a changeSet, depth 2 its changes
    and rollback, anything deeper only tells whether the rollback has content."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.depth = 0
        self.root = ""
        self.found: list[ChangelogChangeSet] = []
        self.current: dict | None = None
        self.in_rollback = False

    def _refuse_doctype(self, *args) -> None:
        raise UnreadableChangelog("a DOCTYPE or entity declaration (not read, for safety)",
                                  self.parser.CurrentLineNumber)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if self.depth == 0:
            self.root = local
        elif self.depth == 1 and local == "changeSet" and self.root == "databaseChangeLog":
            self.current = {
                "label": f"{attributes.get('author', '')}:{attributes.get('id', '')}",
                "line": self.parser.CurrentLineNumber,
                "changes": [],
                "rollback": NO_ROLLBACK,
                "context": attributes.get("context") or attributes.get("contextFilter") or "",
                "dbms": attributes.get("dbms", ""),
            }
        elif self.depth == 2 and self.current is not None:
            if local == "rollback":
                self.in_rollback = True
                # `<rollback changeSetId=".." changeSetAuthor=".."/>` reuses another changeSet's changes.
                self.current["rollback"] = PRESENT_ROLLBACK if attributes.get("changeSetId") else EMPTY_ROLLBACK
            elif local not in CHANGESET_METADATA:
                self.current["changes"].append(Change(local, attributes.get("dbms", "")))
        elif self.depth >= 3 and self.in_rollback and local != "comment":
            self.current["rollback"] = PRESENT_ROLLBACK
        self.depth += 1

    def _end(self, name: str) -> None:
        self.depth -= 1
        if self.depth == 2:
            self.in_rollback = False
        elif self.depth == 1 and self.current is not None:
            current = self.current
            self.found.append(ChangelogChangeSet(current["label"], current["line"], tuple(current["changes"]),
                                                 current["rollback"], current["context"], current["dbms"]))
            self.current = None

    def _text(self, data: str) -> None:
        if self.in_rollback and self.depth == 3 and data.strip():
            self.current["rollback"] = PRESENT_ROLLBACK  # `<rollback>DROP TABLE t;</rollback>`


def _xml(text: str) -> list[ChangelogChangeSet]:
    reader = _XmlReader()
    try:
        reader.parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise UnreadableChangelog(expat.ErrorString(exc.code), exc.lineno) from None
    return reader.found


# ---------------------------------------------------------------- YAML and JSON


def _yaml(text: str) -> list[ChangelogChangeSet]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise UnreadableChangelog("nested too deeply to read", 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        raise UnreadableChangelog(getattr(exc, "problem", None) or str(exc), mark.line + 1 if mark else 1) from None
    entries = _mapping_value(root, "databaseChangeLog")
    if not isinstance(entries, yaml.SequenceNode):
        return []
    found = []
    for entry in entries.value:
        changeset = _mapping_value(entry, "changeSet")
        if not isinstance(changeset, yaml.MappingNode):
            continue
        fields = {key.value: value for key, value in changeset.value if isinstance(key, yaml.ScalarNode)}
        changes = fields.get("changes")
        change_types = tuple(
            Change(key.value, _scalar(_mapping_value(value, "dbms")))
            for change in (changes.value if isinstance(changes, yaml.SequenceNode) else ())
            if isinstance(change, yaml.MappingNode) for key, value in change.value[:1]
            if isinstance(key, yaml.ScalarNode)  # not a complex key (`? [a, b]`)
        )
        found.append(ChangelogChangeSet(
            f"{_scalar(fields.get('author'))}:{_scalar(fields.get('id'))}", entry.start_mark.line + 1,
            change_types, _yaml_rollback(fields), _scalar(fields.get("context")) or _scalar(fields.get("contextFilter")),
            _scalar(fields.get("dbms")),
        ))
    return found


def _mapping_value(node, key: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for k, value in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _scalar(node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def _yaml_rollback(fields: dict) -> str:
    if "rollback" not in fields:
        return NO_ROLLBACK
    rollback = fields["rollback"]
    if isinstance(rollback, yaml.ScalarNode):
        return PRESENT_ROLLBACK if rollback.value.strip() and rollback.tag != "tag:yaml.org,2002:null" else EMPTY_ROLLBACK
    return PRESENT_ROLLBACK if rollback.value else EMPTY_ROLLBACK


def _json(text: str) -> list[ChangelogChangeSet]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise UnreadableChangelog("nested too deeply to read", 1) from None
    except json.JSONDecodeError as exc:
        raise UnreadableChangelog(exc.msg, exc.lineno) from None
    entries = data.get("databaseChangeLog") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    # json keeps no positions: the n-th changeSet is at the n-th `"changeSet":` key.
    counter = LineCounter(text)
    lines = [counter.line_at(m.start()) for m in JSON_CHANGESET_RE.finditer(text)]
    found = []
    for index, entry in enumerate(e for e in entries if isinstance(e, dict) and "changeSet" in e):
        changeset = entry["changeSet"]
        if not isinstance(changeset, dict):
            continue  # (still counted: its key is one of `lines`)
        changes = changeset.get("changes")
        change_types = tuple(
            Change(kind, str(body.get("dbms", "")) if isinstance(body, dict) else "")
            for change in (changes if isinstance(changes, list) else ())
            if isinstance(change, dict) and change for kind, body in list(change.items())[:1]
        )
        if "rollback" not in changeset:
            rollback = NO_ROLLBACK
        else:
            value = changeset["rollback"]
            rollback = PRESENT_ROLLBACK if (value.strip() if isinstance(value, str) else value) else EMPTY_ROLLBACK
        line = lines[index] if index < len(lines) else 1
        found.append(ChangelogChangeSet(f"{changeset.get('author', '')}:{changeset.get('id', '')}", line,
                                        change_types, rollback,
                                        str(changeset.get("context") or changeset.get("contextFilter") or ""),
                                        str(changeset.get("dbms") or "")))
    return found
