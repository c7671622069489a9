"""A Prisma schema's models: their relations' foreign keys and the keys that index them.

Read with a few regular expressions over the schema language's simple line
structure: `model X { ... }` blocks, one field per line, `@relation(fields:
[...])`, `@id`/`@unique` on a field, and `@@index`/`@@unique`/`@@id`/`@@map`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from readylint.sources import LineCounter
from readylint.sql.schema import DeclaredForeignKey, DeclaredTable

PROVIDER_RE = re.compile(r"datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*\"(\w+)\"", re.S)
MODEL_RE = re.compile(r"^model\s+(\w+)\s*\{(.*?)^\}", re.S | re.M)
FIELD_RE = re.compile(r"^\s*(\w+)\s+(\w+)")
RELATION_FIELDS_RE = re.compile(r"@relation\([^)]*?\bfields\s*:\s*\[([^\]]*)\]")
# `@@index([a, b])`, `@@index(fields: [a])`, and a single field without brackets: `@@index(a)`.
BLOCK_KEY_RE = re.compile(r"@@(index|unique|id)\(\s*(?:fields\s*:\s*)?(?:\[([^\]]*)\]|(\w+))([^)]*)\)")
MAP_RE = re.compile(r"@@map\(\s*(?:name\s*:\s*)?\"([^\"]+)\"")
FIELD_KEY_RE = re.compile(r"@(id|unique)\b")


RELATION_MODE_PRISMA_RE = re.compile(r"datasource\s+\w+\s*\{[^}]*?\brelationMode\s*=\s*\"prisma\"", re.S)


DATASOURCE_RE = re.compile(r"^datasource\s+\w+\s*\{", re.M)


def datasource_text(text: str, directory: Path | None) -> str:
    """The text holding the schema's datasource block: this file's, or, in a
    multi-file schema (`prisma/schema/*.prisma`), the sibling file's that has it."""
    if DATASOURCE_RE.search(text) or directory is None:
        return text
    return _sibling_datasource(str(directory))


@lru_cache(maxsize=256)
def _sibling_datasource(directory: str) -> str:
    for sibling in sorted(Path(directory).glob("*.prisma")):
        try:
            content = sibling.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if DATASOURCE_RE.search(content):
            return content
    return ""


def emulates_relations(text: str) -> bool:
    """`relationMode = "prisma"`: Prisma emulates relations and the database has no foreign keys."""
    return bool(RELATION_MODE_PRISMA_RE.search(text))


def provider(text: str) -> str | None:
    match = PROVIDER_RE.search(text)
    return match.group(1) if match else None


def _names(listed: str) -> tuple[str, ...]:
    # `[userId, createdAt(sort: Desc)]` -> ("userId", "createdAt")
    return tuple(part.strip().split("(")[0].strip() for part in re.sub(r"\([^)]*\)", "", listed).split(",") if part.strip())


def prisma_tables(text: str) -> list[DeclaredTable]:
    tables = []
    lines = LineCounter(text)
    for model in MODEL_RE.finditer(text):
        name, body = model.group(1), model.group(2)
        body_line = lines.line_at(model.start(2))
        keys: list[tuple[str, ...]] = []
        unique_keys: list[tuple[str, ...]] = []
        foreign_keys = []
        table = name
        for offset, line in enumerate(body.split("\n")):
            code = line.split("//")[0]
            if (mapped := MAP_RE.search(code)) is not None:
                table = mapped.group(1)
            for kind, listed, single, rest in BLOCK_KEY_RE.findall(code):
                listed = listed or single
                if "where" not in rest:  # partial indexes are not covering
                    (keys if kind == "index" else unique_keys).append(_names(listed))
            field = FIELD_RE.match(code)
            if field is None or code.strip().startswith("@@"):
                continue
            if FIELD_KEY_RE.search(code):
                unique_keys.append((field.group(1),))
            relation = RELATION_FIELDS_RE.search(code)
            if relation is not None:
                columns = _names(relation.group(1))
                if columns:
                    foreign_keys.append(DeclaredForeignKey(
                        columns, field.group(2), body_line + offset, code.index("@relation") + 1,
                    ))
        if foreign_keys:
            tables.append(DeclaredTable(table, name, tuple(foreign_keys), tuple(keys), tuple(unique_keys)))
    return tables
