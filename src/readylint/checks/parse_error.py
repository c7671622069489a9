"""RL001 parse-error: a code file that cannot be parsed.

Python: any syntax error (no other Python rule can run). TypeScript and
JavaScript: tree-sitter recovers from errors, so rules analyse what is
sound and the file is listed as partly analysed; RL001 only when errors
cover most of the file. Files that cannot be read or decoded at all get
RL001 from the engine (`FileAnalyzer.read`), since no check can run on them.
"""

from __future__ import annotations

from readylint.checks.base import Check
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile


LANGUAGE_NAMES = {FileKind.TYPESCRIPT: "TypeScript", FileKind.JAVASCRIPT: "JavaScript"}


class ParseError(Check):
    code = "RL001"
    kinds = frozenset({FileKind.PYTHON, *SCRIPT_KINDS})

    def check(self, file: SourceFile):
        if file.kind in SCRIPT_KINDS:
            if file.script.unreadable:
                line, _ = file.script.error
                yield self.finding(
                    file, line, 1,
                    f"cannot parse {LANGUAGE_NAMES[file.kind]}: syntax errors cover "
                    "most of the file; no other rule read its code",
                )
            return
        if file.python.error is None:
            return
        reason, line, column = file.python.error
        # The parser may point one past the last line (unexpected EOF).
        line = min(line, max(len(file.lines), 1))
        yield self.finding(
            file, line, max(column, 1),
            f"cannot parse Python: {reason}; no other Python rule ran on this file",
        )
