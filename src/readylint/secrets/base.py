"""What every secrets probe shares: the hit it reports and the interfaces it implements."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
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


def skip_matcher(catalog: dict[str, Any]) -> PathMatcher:
    """Files a rule never reads: its catalog's `skip_files` (gitignore syntax)."""
    return PathMatcher(list(catalog.get("skip_files") or []))


def test_matcher(catalog: dict[str, Any], options: dict[str, Any]) -> PathMatcher | None:
    """The rule's `test_paths` when its `quiet-in-tests` option is on."""
    return PathMatcher(list(catalog.get("test_paths") or [])) if options.get("quiet-in-tests") else None


class FilePlace:
    """Where a file lives, decided when a probe first finds a candidate in it:
    most files hold none, and matching a path against a rule's hundred test
    path patterns costs more than the whole scan of a small file."""

    def __init__(self, path: str, tests: PathMatcher | None):
        self.path = path
        self._tests = tests

    @cached_property
    def in_tests(self) -> bool:
        return self._tests is not None and self._tests.matches(self.path)


# A minified bundle: long (> 4 KB) with lines far longer than anyone writes.
MINIFIED_MIN_SIZE = 4096
MINIFIED_MEAN_LINE = 400


def looks_minified(file: SourceFile) -> bool:
    text = file.text
    return len(text) > MINIFIED_MIN_SIZE and len(text) / (text.count("\n") + 1) > MINIFIED_MEAN_LINE
