"""Splitting SQL text into statements with sqlglot's tokenizer.

The tokenizer knows the dialect's strings, quoted identifiers, comments and
dollar-quoted bodies, so a `;` inside a function body or a string never
splits a statement (a naive split on `;` would). Comments are not part of
the statement facts; their lines are still counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from readylint.sources import LineCounter

if TYPE_CHECKING:  # sqlglot is imported on first use: a run without SQL never pays for it
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import Token

# Statements that only frame a transaction: a rollback made of these alone
# reverts nothing (sqitch's and Flyway's templates are exactly this).
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "START", "ROLLBACK", "SET"})
# Statements that change rows, not the schema.
DATA_CHANGES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "SELECT", "COPY", "TRUNCATE", "VALUES"})
COMMENT_RE = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of its first token in the file
    keywords: tuple[str, ...]  # its first tokens, upper-cased: a cheap test before parsing
    # The tokenizer's tokens, so the parser need not tokenize again; their
    # offsets and lines are relative to `source`, whose first line is
    # `source_line` of the file. Empty when the tokenizer failed.
    tokens: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    source: str = field(default="", compare=False, repr=False)
    source_line: int = field(default=1, compare=False, repr=False)

    @property
    def is_transaction_control(self) -> bool:
        return bool(self.keywords) and self.keywords[0] in TRANSACTION_CONTROL


@lru_cache(maxsize=None)
def dialect_named(name: str) -> Dialect:
    from sqlglot.dialects.dialect import Dialect

    return Dialect.get_or_raise(name)


# RL401 and RL402 read the same migration file one after the other in a
# worker: tokenize it once.
@lru_cache(maxsize=16)
def split_statements(text: str, dialect: str = "postgres", first_line: int = 1) -> tuple[Statement, ...]:
    """The statements in `text`, whose first line is line `first_line` of its file."""
    from sqlglot.errors import SqlglotError
    from sqlglot.tokens import TokenType

    try:
        tokens = dialect_named(dialect).tokenize(text)
    except SqlglotError:
        return _split_naively(text, first_line)
    statements = []
    lines = LineCounter(text, first_line)
    current: list[Token] = []
    for token in tokens + [None]:
        if token is not None and token.token_type is not TokenType.SEMICOLON:
            current.append(token)
            continue
        if current:
            start, end = current[0].start, current[-1].end + 1
            line = lines.line_at(start)
            keywords = tuple(t.text.upper() for t in current[:6])
            statements.append(Statement(text[start:end], line, keywords, tuple(current), text, first_line))
        current = []
    return tuple(statements)


def _split_naively(text: str, first_line: int) -> tuple[Statement, ...]:
    """For text the tokenizer rejects (an unterminated string): split on `;`
    outside comments, so a broken file still counts as having statements."""
    statements = []
    lines = LineCounter(text, first_line)
    offset = 0
    for chunk in re.split(r";", text):
        code = COMMENT_RE.sub("", chunk).strip()
        if code:
            lead = len(chunk) - len(chunk.lstrip())
            line = lines.line_at(offset + lead)
            statements.append(Statement(chunk.strip(), line, tuple(code.upper().split()[:6])))
        offset += len(chunk) + 1
    return tuple(statements)


def has_effect(text: str, dialect: str = "postgres") -> bool:
    """Does this SQL do anything beyond opening and closing a transaction?"""
    if not COMMENT_RE.sub("", text).strip(" \t\r\n;"):
        return False
    return any(not s.is_transaction_control for s in split_statements(text, dialect, 1))


def changes_only_data(text: str, dialect: str = "postgres") -> bool:
    """Only row changes (INSERT, UPDATE, DELETE...): a down migration cannot
    bring deleted rows back, so an empty one is the honest rollback."""
    statements = [s for s in split_statements(text, dialect, 1) if not s.is_transaction_control]
    return bool(statements) and all(s.keywords[0] in DATA_CHANGES for s in statements)
