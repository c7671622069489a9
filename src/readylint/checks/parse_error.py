"""RL001 parse-error: a Python file that is not valid Python.

Files that cannot be read or decoded at all get RL001 from the engine
(`readylint.engine.read_source`), since no check can run on them.
"""

from __future__ import annotations

from readylint.checks.base import Check
from readylint.sources import FileKind, SourceFile


class ParseError(Check):
    code = "RL001"
    kinds = frozenset({FileKind.PYTHON})

    def check(self, file: SourceFile):
        if file.python.error is None:
            return
        reason, line, column = file.python.error
        # The parser may point one past the last line (unexpected EOF).
        line = min(line, max(len(file.lines), 1))
        yield self.finding(
            file, line, max(column, 1),
            f"cannot parse Python: {reason}; no other Python rule ran on this file",
        )
