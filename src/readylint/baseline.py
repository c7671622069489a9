"""Baselines: adopt readylint on a legacy codebase without drowning in old findings.

`readylint baseline` records today's findings; `readylint check --baseline
FILE` (or `baseline = "…"` in the configuration) then reports only findings
that are not in it. Entries are keyed by rule, path and the finding's
*identity* (what it is about — its line's text with whitespace folded, a
check's own key, or a secret's hash; see `engine.assign_fingerprints`), never
by line number, so inserting lines, renaming variables elsewhere or
reformatting unrelated code does not invalidate them. Repeated identical
findings in one file are counted: a baseline with two and a file with three
reports one. Secrets are stored only as hashes (the identity) and masked
messages.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from readylint import __version__
from readylint.diagnostics import Finding

BASELINE_FILENAME = ".readylint-baseline.json"
BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used; says which file and why."""


@dataclass(frozen=True)
class BaselineEntry:
    code: str
    path: str
    identity: str
    count: int
    message: str  # the first such finding's message, for people reading the file

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.path, self.identity)


@dataclass
class Baseline:
    entries: list[BaselineEntry]

    @classmethod
    def from_findings(cls, findings: Iterable[Finding]) -> "Baseline":
        findings = list(findings)
        counts = Counter((f.code, f.path, f.identity) for f in findings)
        messages: dict[tuple[str, str, str], str] = {}
        for finding in findings:
            messages.setdefault((finding.code, finding.path, finding.identity), finding.message)
        return cls([BaselineEntry(*key, counts[key], messages[key]) for key in sorted(counts)])

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: baseline file not found; create it with `readylint baseline`") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read baseline: {getattr(exc, 'strerror', None) or exc}") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}: not a readylint baseline (invalid JSON at line {exc.lineno})") from None
        if not isinstance(document, dict) or document.get("baseline_version") != BASELINE_VERSION:
            raise BaselineError(
                f"{path}: not a readylint baseline of version {BASELINE_VERSION}; re-create it with `readylint baseline`"
            )
        try:
            entries = [
                BaselineEntry(e["code"], e["path"], e["identity"], int(e["count"]), e.get("message", ""))
                for e in document["entries"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"{path}: malformed baseline entry ({exc}); re-create it with `readylint baseline`") from None
        return cls(entries)

    def write(self, path: Path) -> None:
        document = {
            "tool": "readylint",
            "version": __version__,
            "baseline_version": BASELINE_VERSION,
            "entries": [
                {"code": e.code, "path": e.path, "identity": e.identity, "count": e.count, "message": e.message}
                for e in self.entries
            ],
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def split(self, findings: list[Finding], checked_paths: set[str]) -> tuple[list[Finding], int, list[BaselineEntry]]:
        """(findings not in the baseline, how many were hidden, entries that no longer match).

        Only entries of files this run checked can be called fixed: a
        pre-commit run on two files says nothing about the others."""
        remaining = {entry.key: entry.count for entry in self.entries}
        new = []
        for finding in findings:
            key = (finding.code, finding.path, finding.identity)
            if remaining.get(key, 0) > 0:
                remaining[key] -= 1
            else:
                new.append(finding)
        fixed = [
            BaselineEntry(e.code, e.path, e.identity, remaining[e.key], e.message)
            for e in self.entries
            if remaining[e.key] > 0 and e.path in checked_paths
        ]
        return new, len(findings) - len(new), fixed
