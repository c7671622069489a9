"""Reading a file once: bytes to text, text to lines, code to one shared tree."""

from __future__ import annotations

import ast
import bisect
import codecs
import enum
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, TypeVar

from readylint.python.tree import TreeIndex

if TYPE_CHECKING:
    from readylint.typescript.tree import ScriptParse

T = TypeVar("T")

BINARY_SNIFF_BYTES = 8192
NEWLINE_RE = re.compile(r"\r\n|\r|\n")


class FileKind(str, enum.Enum):
    PYTHON = "python"
    TYPESCRIPT = "typescript"
    JAVASCRIPT = "javascript"
    SQL = "sql"
    TEXT = "text"


# TypeScript and JavaScript: one family of analyses (readylint.typescript).
SCRIPT_KINDS = frozenset({FileKind.TYPESCRIPT, FileKind.JAVASCRIPT})
KIND_BY_SUFFIX = {
    ".py": FileKind.PYTHON, ".pyi": FileKind.PYTHON,
    ".ts": FileKind.TYPESCRIPT, ".tsx": FileKind.TYPESCRIPT, ".mts": FileKind.TYPESCRIPT,
    ".cts": FileKind.TYPESCRIPT,
    ".js": FileKind.JAVASCRIPT, ".jsx": FileKind.JAVASCRIPT, ".mjs": FileKind.JAVASCRIPT,
    ".cjs": FileKind.JAVASCRIPT,
    ".sql": FileKind.SQL,
}
# Declarations only (`.d.ts`): types, no code that runs. Read for secrets like any text.
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
# A script file with a line this long, or this long on average, is minified or
# bundled output, not source anyone edits: read for secrets only.
MINIFIED_LINE_CHARS = 5_000
MINIFIED_AVERAGE_LINE_CHARS = 300


def kind_of(path: str) -> FileKind:
    kind = KIND_BY_SUFFIX.get(Path(path).suffix.lower(), FileKind.TEXT)
    if kind is FileKind.TYPESCRIPT and path.lower().endswith(DECLARATION_SUFFIXES):
        return FileKind.TEXT
    return kind


# Generated code says so in its first lines (Go's convention, Facebook's `@generated`,
# most generators' "DO NOT EDIT"): it is regenerated, not fixed by hand.
GENERATED_MARKER_RE = re.compile(
    r"@generated\b|\bDO NOT EDIT\b|\b(?i:(?:file|code) (?:is |was )?(?:auto-?|automatically )generated)\b"
)
GENERATED_HEADER_CHARS = 600


def looks_generated(text: str) -> bool:
    return bool(GENERATED_MARKER_RE.search(text, 0, GENERATED_HEADER_CHARS))


def looks_minified(text: str) -> bool:
    if len(text) < MINIFIED_LINE_CHARS:
        return False
    lines = text.count("\n") + 1
    return len(text) / lines > MINIFIED_AVERAGE_LINE_CHARS or any(
        len(line) > MINIFIED_LINE_CHARS for line in text.split("\n", 200)[:200]
    )


class LineCounter:
    """Line numbers of offsets into one text, for offsets met in order (the
    statements of a file, its models): each step counts only the newlines
    since the last offset, where `text.count("\n", 0, offset)` per offset
    re-reads the file from the top and grows with the square of its size."""

    def __init__(self, text: str, first_line: int = 1):
        self._text = text
        self._offset = 0
        self._line = first_line

    def line_at(self, offset: int) -> int:
        if offset >= self._offset:
            self._line += self._text.count("\n", self._offset, offset)
        else:
            self._line -= self._text.count("\n", offset, self._offset)
        self._offset = offset
        return self._line


class DecodeError(Exception):
    """A source file whose bytes are not text in the encoding it declares."""

    def __init__(self, reason: str, line: int, column: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


# Byte-order marks of the encodings whose text is full of NUL bytes, UTF-32
# first (its little-endian mark starts with UTF-16's). Windows tools write
# them: PowerShell's `>`, SQL Server Management Studio, regedit.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def wide_encoding(data: bytes) -> tuple[bytes, str] | None:
    """(byte-order mark, codec) of UTF-16 or UTF-32 bytes that start with a mark."""
    return next(((bom, codec) for bom, codec in WIDE_BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:BINARY_SNIFF_BYTES] and wide_encoding(data) is None


def decode(data: bytes, kind: FileKind) -> str:
    """Bytes to text. UTF-16 and UTF-32 with a byte-order mark must decode
    cleanly. Otherwise Python honours PEP 263 cookies and BOMs and must decode
    cleanly; other text is UTF-8 and falls back to Latin-1, which always
    decodes, because a secret in a Latin-1 config file is still a secret."""
    wide = wide_encoding(data)
    if wide is not None:
        bom, encoding = wide
        try:
            return data[len(bom):].decode(encoding)
        except UnicodeDecodeError as exc:  # a truncated file, a lone surrogate
            before = data[len(bom):len(bom) + exc.start].decode(encoding, "replace")
            raise DecodeError(
                f"invalid {encoding} data at byte {len(bom) + exc.start} ({exc.reason})",
                before.count("\n") + 1, len(before) - before.rfind("\n"),
            ) from None
    if kind is FileKind.PYTHON:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            # No usable cookie and the first lines are not UTF-8: point at the byte.
            _decode_or_raise(data, "utf-8")
            raise DecodeError(str(exc), getattr(exc, "lineno", None) or 1) from None
        text = _decode_or_raise(data, encoding)
        return text[1:] if text.startswith("\ufeff") else text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text[1:] if text.startswith("\ufeff") else text


def _decode_or_raise(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r} in coding cookie", 1) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DecodeError(
            f"invalid {encoding} byte 0x{data[exc.start]:02x} (declare the file's encoding "
            "with a PEP 263 coding cookie or save it as UTF-8)",
            line,
            column,
        ) from None


@dataclass
class PythonParse:
    tree: ast.Module | None
    # Set when the file is not valid Python: (reason, line, column).
    error: tuple[str, int, int] | None = None
    # Valid Python, but newer than the running interpreter can build a tree for.
    newer_syntax: bool = False


class SourceFile:
    """One file's text, shared by every check that looks at it."""

    def __init__(self, path: str, text: str, kind: FileKind | None = None, abs_path: Path | None = None):
        self.path = path
        self.text = text
        self.kind = kind or kind_of(path)
        self.abs_path = abs_path
        self._shared: dict[Hashable, Any] = {}

    def shared(self, key: Hashable, build: Callable[[], T]) -> T:
        """An analysis of this file that several checks use (its qualified
        names, its webhook handlers, its secrets): built by the first check
        that asks with `key`, reused by the others, dropped with the file."""
        if key not in self._shared:
            self._shared[key] = build()
        return self._shared[key]

    @cached_property
    def lines(self) -> list[str]:
        # Universal newlines, as Python's tokenizer counts them (not str.splitlines,
        # which also splits on form feeds and U+2028 and would shift line numbers).
        return NEWLINE_RE.split(self.text)

    def line(self, number: int) -> str:
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return ""

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [match.end() for match in NEWLINE_RE.finditer(self.text)]

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column)."""
        starts = self._line_starts
        if line > len(starts):
            return len(self.text)
        return min(starts[line - 1] + column - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line_index = bisect.bisect_right(self._line_starts, offset) - 1
        return line_index + 1, offset - self._line_starts[line_index] + 1

    def char_column(self, line: int, byte_offset: int) -> int:
        """1-based character column from an `ast` node's 0-based UTF-8 byte offset."""
        text = self.line(line)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def segment(self, node: ast.AST) -> str:
        """The source text of an `ast` node, as `ast.get_source_segment` gives
        it, from the lines already split (that function splits the whole file
        on every call); "" for a node without positions."""
        line, end_line = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        column, end_column = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if line is None or end_line is None or column is None or end_column is None:
            return ""
        lines = self.lines[line - 1:end_line]
        if len(lines) != end_line - line + 1:
            return ""
        if line == end_line:
            return lines[0].encode()[column:end_column].decode(errors="replace")
        first = lines[0].encode()[column:].decode(errors="replace")
        last = lines[-1].encode()[:end_column].decode(errors="replace")
        return "\n".join([first, *lines[1:-1], last])

    @cached_property
    def python(self) -> PythonParse:
        """The file's one `ast` tree, parsed on first use and shared by all checks."""
        return parse_python(self.text, self.path)

    @cached_property
    def script(self) -> "ScriptParse":
        """A TS/JS file's one tree-sitter tree and node index, shared by all checks."""
        from readylint.typescript.tree import parse_script  # tree-sitter: only for projects with scripts

        return parse_script(self.text, self.path)

    @cached_property
    def tree_index(self) -> TreeIndex | None:
        """Every node of `python.tree` in pre-order, indexed once and shared by
        all checks (`walk`, `scope`, `of_type`); None without a tree."""
        tree = self.python.tree
        return TreeIndex(tree) if tree is not None else None

    @cached_property
    def statement_starts(self) -> dict[int, int]:
        """Line -> first line of the innermost simple statement covering it
        (Python), or of the SQL statement covering it.

        Lets a suppression comment on a statement's first line cover a
        finding reported on one of its continuation lines."""
        if self.kind is FileKind.SQL:
            return _sql_statement_starts(self.text)
        if self.kind in SCRIPT_KINDS:
            from readylint.typescript.tree import statement_starts

            return statement_starts(self.script)
        index = self.tree_index if self.kind is FileKind.PYTHON else None
        starts: dict[int, int] = {}
        if index is None:
            return starts
        for node in index.of_type(ast.stmt):
            if node.end_lineno and node.end_lineno > node.lineno:
                body_start = _first_body_line(node)
                last = node.end_lineno if body_start is None else body_start - 1
                for number in range(node.lineno + 1, last + 1):
                    # Pre-order: inner statements come later and win.
                    starts[number] = node.lineno
        return starts


def _sql_statement_starts(text: str) -> dict[int, int]:
    from readylint.sql.statements import split_statements  # sqlglot: only for SQL with suppressions

    return {
        number: statement.line
        for statement in split_statements(text, "postgres", 1)
        for number in range(statement.line + 1, statement.line + statement.text.count("\n") + 1)
    }


def _first_body_line(node: ast.stmt) -> int | None:
    lines = [
        child[0].lineno
        for name in ("body", "orelse", "finalbody", "handlers", "cases")
        if isinstance(child := getattr(node, name, None), list) and child
    ]
    return min(lines) if lines else None


def parse_python(text: str, path: str = "<file>") -> PythonParse:
    try:
        return PythonParse(ast.parse(text, filename=path))
    except SyntaxError as exc:
        syntax_error = exc
    except (RecursionError, MemoryError):
        # CPython's parser and tree builder give up on deep nesting (a chain
        # of thousands of `-` or `+`) this way rather than with a SyntaxError.
        return PythonParse(None, ("nested too deeply for Python's parser", 1, 1))
    except ValueError as exc:  # NUL bytes in the source
        return PythonParse(None, (f"cannot parse: {exc}", 1, 1))
    # The interpreter's own parser knows only its own grammar, so valid newer
    # code is not called broken: newer_syntax asks a parser that knows more.
    from readylint.python.newer_syntax import error_in_every_version

    error = error_in_every_version(text, syntax_error)
    if error is None:
        # Valid newer Python: read in the syntax this interpreter knows, where that keeps the program.
        from readylint.python.newer_syntax import lower_to_this_python

        lowered = lower_to_this_python(text)
        if lowered is not None:
            try:
                return PythonParse(ast.parse(lowered, filename=path))
            except (SyntaxError, RecursionError, MemoryError, ValueError):
                pass
    return PythonParse(None, error, newer_syntax=error is None)
