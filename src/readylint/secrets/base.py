"""What every secrets probe shares: the hit it reports and the interfaces it implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from readylint.diagnostics import Severity
from readylint.discovery import PathMatcher
from readylint.sources import SourceFile


@dataclass(frozen=True)
class Hit:
    """A secret found in a file's text, before it becomes a Finding."""

    code: str
    detector: str  # which detector found it (e.g. stripe-live-secret-key)
    start: int  # character offsets of the finding's span in the file
    end: int
    secret: str  # exact text of the secret as it appears in the file
    message: str
    severity: Severity | None = None


class Probe(Protocol):
    code: str
    keywords: tuple[str, ...]

    def scan(self, text: str, start: int, end: int, state: Any) -> Iterable[Hit]:
        """Hits in text[start:end]: a line, or a window of a very long line (see
        scanner.LONG_LINE). A probe may read past `end` (a key block's END marker)."""


class Family(Protocol):
    """One rule's probes and its per-file decision (skip the file, or how to read it)."""

    code: str
    probes: list[Probe]

    def file_state(self, file: SourceFile) -> Any:
        """None to skip the file; anything else is passed to the probes."""


def skip_matcher(catalog: dict[str, Any], options: dict[str, Any]) -> PathMatcher:
    """Files a rule never reports in: its catalog's `skip_files`, plus its
    `test_paths` when its `quiet-in-tests` option is on (gitignore syntax)."""
    patterns = list(catalog.get("skip_files") or [])
    if options.get("quiet-in-tests"):
        patterns += list(catalog.get("test_paths") or [])
    return PathMatcher(patterns)


# A minified bundle: long (> 4 KB) with lines far longer than anyone writes.
MINIFIED_MIN_SIZE = 4096
MINIFIED_MEAN_LINE = 400


def looks_minified(file: SourceFile) -> bool:
    text = file.text
    return len(text) > MINIFIED_MIN_SIZE and len(text) / (text.count("\n") + 1) > MINIFIED_MEAN_LINE
