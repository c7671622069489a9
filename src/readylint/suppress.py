"""Inline suppressions (fixed syntax, see ARCHITECTURE.md).

    x = requests.get(url)  # readylint: ignore[RL101]
    x = requests.get(url)  # readylint: ignore[outbound-call-without-timeout]
    # readylint: ignore-file[RL501]            (anywhere in the file)
    SELECT 1; -- readylint: ignore[RL401]      (any comment syntax works)

A directive on a statement's first line covers the whole statement. A bare
`ignore` (no codes) silences every rule on its line; `--strict-suppressions`
reports those. Rules may also honour other scanners' markers
(`pragma: allowlist secret`) through `suppression_markers` in their catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from readylint.catalog import Catalog
from readylint.diagnostics import Finding
from readylint.sources import SourceFile

DIRECTIVE_RE = re.compile(r"readylint:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
ALL = "*"


@dataclass
class Suppressions:
    """One file's directives, resolved to rule codes. Small and picklable, so
    project findings computed in the main process can be filtered too."""

    file_codes: set[str] = field(default_factory=set)
    line_codes: dict[int, set[str]] = field(default_factory=dict)
    statement_starts: dict[int, int] = field(default_factory=dict)
    bare_lines: list[int] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)

    @property
    def silences_anything(self) -> bool:
        return bool(self.file_codes or self.line_codes)

    def covers(self, finding: Finding) -> bool:
        if _matches(self.file_codes, finding.code):
            return True
        for line in {finding.line, self.statement_starts.get(finding.line, finding.line)}:
            if _matches(self.line_codes.get(line, ()), finding.code):
                return True
        return False


def _matches(codes: Iterable[str], code: str) -> bool:
    return any(c == ALL or c == code for c in codes)


def parse_suppressions(file: SourceFile, catalog: Catalog) -> Suppressions:
    found = Suppressions()
    text = file.text
    has_directive = "readylint:" in text
    markers = [(m, r.code) for r in catalog for m in r.suppression_markers if m in text]
    if not has_directive and not markers:
        return found
    for number, line in enumerate(file.lines, start=1):
        if has_directive and "readylint:" in line:
            for match in DIRECTIVE_RE.finditer(line):
                kind, listed = match.group(1), match.group(2)
                codes = _resolve(listed, catalog, number, found)
                if kind == "ignore-file":
                    found.file_codes |= codes
                else:
                    found.line_codes.setdefault(number, set()).update(codes)
                if listed is None:
                    found.bare_lines.append(number)
        for marker, code in markers:
            if marker in line:
                found.line_codes.setdefault(number, set()).add(code)
    if found.line_codes:
        found.statement_starts = file.statement_starts
    return found


def _resolve(listed: str | None, catalog: Catalog, line: int, found: Suppressions) -> set[str]:
    if listed is None:
        return {ALL}
    codes = set()
    for item in filter(None, (part.strip() for part in listed.split(","))):
        rule = catalog.get(item)
        if rule:
            codes.add(rule.code)
        else:
            found.unknown.append((line, item))
    return codes
