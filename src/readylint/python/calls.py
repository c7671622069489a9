"""Reading call arguments and editing calls as text, from the shared `ast` tree.

Fixes are built from `ast` positions plus the call's own tokens, so no
libcst tree is parsed on the scan path: adding `timeout=10` to a call needs
only where its last argument ends and whether a trailing comma follows, and
the tokenizer knows both (parenthesised arguments, comments, line breaks).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from readylint.diagnostics import Edit, Position
from readylint.sources import SourceFile

SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                  tokenize.ENDMARKER}


@dataclass(frozen=True)
class ArgumentSlot:
    """Where a parameter may be passed: by any of `keywords`, or at `position` (0-based)."""

    keywords: tuple[str, ...]
    position: int | None = None

    @property
    def label(self) -> str:
        """How a message names the parameter: its keyword, else its position."""
        return self.keywords[0] if self.keywords else f"argument {self.position + 1}"


class Unknown:
    """The argument may be passed, but we cannot see it (`**kwargs`, `*args`)."""


UNKNOWN = Unknown()


def argument(call: ast.Call, slot: ArgumentSlot) -> ast.expr | Unknown | None:
    """The expression passed for `slot`, UNKNOWN when it may hide in `*`/`**`, else None."""
    for keyword in call.keywords:
        if keyword.arg in slot.keywords:
            return keyword.value
        if keyword.arg is None:
            known = _literal_dict(keyword.value)
            if known is None:
                return UNKNOWN
            for key, value in known.items():
                if key in slot.keywords:
                    return value
    if slot.position is not None:
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                return UNKNOWN
            if index == slot.position:
                return arg
    return None


def _literal_dict(node: ast.expr) -> dict[str, ast.expr] | None:
    """`**{"timeout": 5}`: a dict display whose keys are all string literals."""
    if not isinstance(node, ast.Dict):
        return None
    keys = {}
    for key, value in zip(node.keys, node.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys[key.value] = value
    return keys


def is_constant(node: ast.AST, values: tuple) -> bool:
    """`node` is a literal equal to one of `values` (booleans never equal numbers here)."""
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return False
    return any(node.value is None if v is None else (node.value == v and not isinstance(v, bool)) for v in values)


# ------------------------------------------------------------------ editing


def node_edit(file: SourceFile, node: ast.AST, content: str) -> Edit:
    """Replace the text of `node` with `content`."""
    start = Position(node.lineno, file.char_column(node.lineno, node.col_offset))
    end = Position(node.end_lineno, file.char_column(node.end_lineno, node.end_col_offset))
    return Edit(start, end, content)


def add_keyword_edit(file: SourceFile, call: ast.Call, keyword: str, value: str) -> Edit | None:
    """An edit that adds `keyword=value` as the call's last argument, keeping
    its layout: a call laid out one argument per line with a trailing comma
    gets one more such line. None when the call cannot take one more
    argument as text (a bare generator argument)."""
    if any(isinstance(arg, ast.GeneratorExp) for arg in call.args) and len(call.args) == 1:
        return None
    tokens = _call_tokens(file, call)
    if tokens is None:
        return None
    close = tokens[-1]
    opening = next(
        (i for i, t in enumerate(tokens) if t.string == "(" and t.start >= _relative_end(file, call)), None
    )
    if opening is None or close.string != ")":
        return None
    inner = [t for t in tokens[opening + 1:-1] if t.type not in SKIPPED_TOKENS]
    argument_text = f"{keyword}={value}"
    close_pos = _absolute(file, call, close.start)
    if not inner:
        return Edit(close_pos, close_pos, argument_text)
    last = inner[-1]
    if last.string == ",":
        close_line_text = file.line(close_pos.line)
        if close_pos.line > _absolute(file, call, last.end).line and not close_line_text[: close_pos.column - 1].strip():
            # One argument per line: add another line, indented like the last argument.
            last_argument = (call.args + call.keywords)[-1] if call.args or call.keywords else None
            indent_line = file.line(last_argument.lineno) if last_argument else ""
            indent = indent_line[: len(indent_line) - len(indent_line.lstrip())]
            line_start = Position(close_pos.line, 1)
            return Edit(line_start, line_start, f"{indent}{argument_text},\n")
        before_close = file.line(close_pos.line)[close_pos.column - 2: close_pos.column - 1]
        return Edit(close_pos, close_pos, argument_text if before_close.isspace() else f" {argument_text}")
    after_last = _absolute(file, call, last.end)
    return Edit(after_last, after_last, f", {argument_text}")


def _relative_end(file: SourceFile, call: ast.Call) -> tuple[int, int]:
    """Where the callee ends, as a (row, column) of the call's own tokens (rows from 1)."""
    func = call.func
    column = file.char_column(func.end_lineno, func.end_col_offset) - 1
    if func.end_lineno == call.lineno:
        column -= file.char_column(call.lineno, call.col_offset) - 1
    return func.end_lineno - call.lineno + 1, column


def _call_tokens(file: SourceFile, call: ast.Call) -> list[tokenize.TokenInfo] | None:
    segment = file.segment(call)
    if not segment:
        return None
    try:
        return [t for t in tokenize.generate_tokens(io.StringIO(segment).readline)
                if t.type not in (tokenize.ENDMARKER, tokenize.NEWLINE, tokenize.DEDENT, tokenize.INDENT)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None


def _absolute(file: SourceFile, call: ast.Call, point: tuple[int, int]) -> Position:
    """A (row, column) in the call's segment as a 1-based character position in the file."""
    row, column = point
    if row == 1:
        return Position(call.lineno, file.char_column(call.lineno, call.col_offset) + column)
    return Position(call.lineno + row - 1, column + 1)
