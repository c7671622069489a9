"""Is code this interpreter's parser rejects valid Python of a newer version?

`ast` knows only the running interpreter's grammar, so readylint on Python
3.11 would call a 3.12 `type X = int` broken. libcst's native parser knows
Python 3.0-3.15 and answers instead, with two guards:

- It has no nesting limit, and every CPython has one (MAXLEVEL brackets,
  MAXINDENT indentation levels): code past them is a syntax error on every
  version, never newer syntax. `beyond_nesting_limits` finds it first.
- It recurses on the native stack: a chain of 30,000 `+` or 1,500 nested
  brackets overflows it and the process dies with SIGSEGV, taking the whole
  run down. So it runs in a child process, started once per process that
  needs it and fed one file at a time; a child that dies takes only its
  file's answer with it (a syntax error, "or newer syntax nested too deeply
  to check"), and the next file gets a new child.

Only files `ast` rejects come here, a handful in most trees (nine of the
standard library's 13,000 files).
"""

from __future__ import annotations

import atexit
import io
import os
import subprocess
import sys
import tokenize

# CPython's tokenizer limits (Parser/tokenizer.h), unchanged since Python 2.
MAX_BRACKET_DEPTH = 200
MAX_INDENT_LEVELS = 99
OPENING_BRACKETS = frozenset("([{")
CLOSING_BRACKETS = frozenset(")]}")
# The messages CPython gives for those limits, and what they mean.
NESTING_LIMITS = {
    "too many nested parentheses": f"more than {MAX_BRACKET_DEPTH} levels of brackets",
    "too many levels of indentation": f"more than {MAX_INDENT_LEVELS} levels of indentation",
}

_LENGTH_BYTES = 8
VALID, INVALID = b"1", b"0"
# Isolated (-I): the child imports from the parent's sys.path, passed as its
# arguments, never from the working directory, which is the tree being scanned.
_CHILD_COMMAND = (
    sys.executable, "-I", "-c",
    "import sys; sys.path[:] = sys.argv[1:]; from readylint.python.newer_syntax import serve; serve()",
)


def error_in_every_version(text: str, error: SyntaxError) -> tuple[str, int, int] | None:
    """The syntax error to report for `text`, which this interpreter's `ast`
    rejected with `error`, as (reason, line, column); None if it is valid
    Python of a newer version."""
    reported = (error.msg or "invalid syntax", error.lineno or 1, error.offset or 1)
    beyond = reported if error.msg in NESTING_LIMITS else beyond_nesting_limits(text)
    if beyond is not None:
        message, line, column = beyond
        return f"{message} ({NESTING_LIMITS[message]}, which no Python version accepts)", line, column
    answer = _parser.answer(text)
    if answer == VALID:
        return None
    if answer == INVALID:
        return reported
    message, line, column = reported
    return f"{message}, or newer syntax nested too deeply to check", line, column


def beyond_nesting_limits(text: str) -> tuple[str, int, int] | None:
    """(CPython's message, line, column) where `text` first nests brackets or
    indentation deeper than any CPython accepts, or None. Tokenizes only as
    far as the tokenizer can go: past an error, nothing more is known."""
    depth = indents = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in OPENING_BRACKETS:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    return "too many nested parentheses", token.start[0], token.start[1] + 1
            elif token.type == tokenize.OP and token.string in CLOSING_BRACKETS:
                depth = max(depth - 1, 0)
            elif token.type == tokenize.INDENT:
                indents += 1
                if indents > MAX_INDENT_LEVELS:
                    return "too many levels of indentation", token.start[0], 1
            elif token.type == tokenize.DEDENT:
                indents -= 1
    except (tokenize.TokenError, SyntaxError):  # SyntaxError covers IndentationError
        pass
    return None


class _GuardedParser:
    """One child process running libcst's parser; replaced when it dies."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._owner = 0  # the pid that started the child: a forked worker needs its own

    def answer(self, text: str) -> bytes:
        """VALID or INVALID from libcst; b"" if parsing `text` killed the child."""
        data = text.encode("utf-8", "surrogatepass")
        child = self._running_child()
        try:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(len(data).to_bytes(_LENGTH_BYTES, "big") + data)
            child.stdin.flush()
            answer = child.stdout.read(1)
        except OSError:  # the child died before reading it all
            answer = b""
        if answer not in (VALID, INVALID):
            self.close()  # killed by this file (a stack overflow): the next file gets a new child
            return b""
        return answer

    def _running_child(self) -> subprocess.Popen:
        if self._child is None or self._owner != os.getpid() or self._child.poll() is not None:
            self._child = subprocess.Popen(
                [*_CHILD_COMMAND, *sys.path],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                # The overflow message ("thread 'main' has overflowed its stack")
                # is not the user's business: the file gets RL001.
                stderr=subprocess.DEVNULL,
            )
            self._owner = os.getpid()
        return self._child

    def close(self) -> None:
        child, self._child = self._child, None
        if child is None or self._owner != os.getpid():
            return
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
        child.wait()


_parser = _GuardedParser()
atexit.register(_parser.close)  # the child ends when its stdin closes; wait for it


def serve() -> None:
    """The child: read length-prefixed UTF-8 sources from stdin, answer each
    with VALID or INVALID on stdout, until stdin closes."""
    import libcst

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while len(header := stdin.read(_LENGTH_BYTES)) == _LENGTH_BYTES:
        text = stdin.read(int.from_bytes(header, "big")).decode("utf-8", "surrogatepass")
        try:
            libcst.parse_module(text)
            answer = VALID
        except Exception:  # libcst raises several error types; any of them means "not valid"
            answer = INVALID
        stdout.write(answer)
        stdout.flush()


# ---------------------------------------------------------------- lowering

# Template-string prefixes (3.14), by the f-string prefix they become here.
T_STRING_PREFIXES = {"t": "f", "T": "F", "tr": "fr", "rt": "rf", "Tr": "Fr", "tR": "fR", "TR": "FR", "Rt": "Rf",
                     "rT": "rF", "RT": "RF"}
_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})


def lower_to_this_python(text: str) -> str | None:
    """The same module in the syntax this interpreter's `ast` reads, with every
    line and almost every column where it was (so findings point at the
    original), or None when it uses newer syntax this cannot lower:

        type Alias[T] = list[T]      ->  Alias         = list[T]
        def first[T](xs: list[T]):   ->  def first   (xs: list[T]):     (3.12: PEP 695)
        class Box[T](Base):          ->  class Box   (Base):
        t"hello {name}"              ->  f"hello {name}"                (3.14: PEP 750)
        except A, B:                 ->  except(A, B):                  (3.14: PEP 758)

    Type parameters only constrain static checkers, a template string holds
    what an f-string would, and the exception tuple is the same tuple: the
    rules read the same program. Type parameters over several lines become
    blank lines joined by `\\` continuations. f-strings that nest their own
    quotes or span lines (3.12, PEP 701) are not lowered."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = io.StringIO(text).readlines()  # the rows tokenize counts (not str.splitlines: form feeds)
    edits: list[tuple[int, int, int, str]] = []  # (row, start column, end column, replacement)
    significant = [t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL)]
    for index, token in enumerate(significant):
        previous = significant[index - 1] if index else None
        following = significant[index + 1] if index + 1 < len(significant) else None
        if token.type != tokenize.NAME or following is None:
            continue
        if token.string == "type" and (previous is None or previous.type in _STATEMENT_START) \
                and following.type == tokenize.NAME:
            equals_index = _next_at_depth_zero(significant, index + 2, "=")
            equals = significant[equals_index] if equals_index is not None else None
            if equals is None or equals.start[0] != token.start[0]:
                return None
            row, start, end = token.start[0], token.start[1], equals.start[1]
            edits.append((row, start, end, following.string.ljust(end - start)))
        elif token.string in ("def", "class") and following.type == tokenize.NAME and index + 2 < len(significant) \
                and significant[index + 2].string == "[":
            opening = significant[index + 2]
            closing = _matching_bracket(significant, index + 2)
            if closing is None:
                return None
            edits.extend(_blanked(lines, opening.start, closing.end))
        elif token.string in T_STRING_PREFIXES and following.type == tokenize.STRING and following.start == token.end:
            edits.append((token.start[0], token.start[1], token.end[1], T_STRING_PREFIXES[token.string]))
        elif token.string == "except":
            edit = _parenthesized_handler(significant, index)
            if edit:
                edits.extend(edit)
    if not edits:
        return None
    for row, start, end, replacement in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + replacement + line[end:]
    return "".join(lines)


def _blanked(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int, int, str]]:
    """Edits that blank the text from `start` to `end` (rows 1-based) and keep it one logical
    line: a span over several lines ends each of them but the last with a `\\` continuation."""
    (first_row, first_column), (last_row, last_column) = start, end
    if first_row == last_row:
        return [(first_row, first_column, last_column, " " * (last_column - first_column))]
    edits = []
    for row in range(first_row, last_row + 1):
        line = lines[row - 1]
        begin = first_column if row == first_row else 0
        if row == last_row:
            edits.append((row, begin, last_column, " " * (last_column - begin)))
        else:
            width = len(line.rstrip("\r\n")) - begin
            if width < 1:  # a blank line: the continuation is all it holds
                edits.append((row, begin, begin, "\\"))
                continue
            edits.append((row, begin, begin + width, " " * (width - 1) + "\\"))
    return edits


def _next_at_depth_zero(tokens: list[tokenize.TokenInfo], start: int, wanted: str) -> int | None:
    """The index of the next `wanted` token outside brackets on this logical line."""
    depth = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.type == tokenize.NEWLINE:
            return None
        if token.string in OPENING_BRACKETS:
            depth += 1
        elif token.string in CLOSING_BRACKETS:
            depth -= 1
        elif depth == 0 and token.string == wanted:
            return index
    return None


def _matching_bracket(tokens: list[tokenize.TokenInfo], opening: int) -> tokenize.TokenInfo | None:
    depth = 0
    for index in range(opening, len(tokens)):
        token = tokens[index]
        if token.string in OPENING_BRACKETS:
            depth += 1
        elif token.string in CLOSING_BRACKETS:
            depth -= 1
            if depth == 0:
                return token
    return None


def _parenthesized_handler(tokens: list[tokenize.TokenInfo], index: int) -> list[tuple[int, int, int, str]]:
    """`except A, B:` -> `except(A, B):` (no `as`, one line); [] when already valid here."""
    colon_index = _next_at_depth_zero(tokens, index + 1, ":")
    if colon_index is None:
        return []
    colon, between = tokens[colon_index], tokens[index + 1:colon_index]
    if any(t.string == "as" for t in between) or not any(t.string == "," for t in between):
        return []
    if between and between[0].string == "*":
        between = between[1:]  # except* A, B:
    first, row = between[0], tokens[index].start[0]
    if colon.start[0] != row or first.start[0] != row:
        return []
    # Closing first: edits apply right to left on the line.
    return [(row, colon.start[1], colon.start[1], ")"), (row, first.start[1], first.start[1], "(")]
