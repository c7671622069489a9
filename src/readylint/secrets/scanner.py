"""One keyword-gated pass over a file for all four secrets rules.

Each rule contributes a *family* of probes. A probe names the lower-case
keywords without which it cannot match (a token prefix, a variable name, a
`://`), and is tried only on the lines that contain one of them. One compiled
alternation of every keyword finds those lines, so a file with no keyword at
all costs a single regex scan, whatever the number of detectors.

The four checks share one scanner and one result per file: the first check
to look at a file runs the scan and the others reuse it. The scan runs every
family even when only some of the rules are selected, because their findings
are ranked against each other: a Stripe key in `STRIPE_SECRET = "sk_live_…"`
is reported once, by RL501, not again by RL504.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from readylint.catalog import Catalog, CatalogError
from readylint.diagnostics import Severity
from readylint.discovery import PathMatcher
from readylint.sources import SourceFile

# When two findings cover the same characters, the more specific rule wins.
PRIORITY = ("RL502", "RL501", "RL503", "RL504")


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
        """Hits on the line text[start:end] (a probe may read past `end`)."""


class Family(Protocol):
    """One rule's probes and its per-file decision (skip the file, or how to read it)."""

    code: str
    probes: list[Probe]

    def file_state(self, file: SourceFile) -> Any:
        """None to skip the file; anything else is passed to the probes."""


def skip_matcher(catalog: dict[str, Any]) -> PathMatcher:
    """`skip_files` in a rule's catalog: gitignore-style patterns."""
    return PathMatcher(list(catalog.get("skip_files") or []))


class SecretScanner:
    def __init__(self, families: list[Family]):
        self.families = {family.code: family for family in families}
        self.by_keyword: dict[str, list[Probe]] = {}
        for family in self.families.values():
            for probe in family.probes:
                for keyword in probe.keywords:
                    self.by_keyword.setdefault(keyword.lower(), []).append(probe)
        # Where keywords overlap, the prefilter reports one of them per
        # position: the longest, so the probes of every keyword it contains
        # ride along ("password =" also wakes the probes of "password").
        keywords = sorted(self.by_keyword, key=len, reverse=True)
        self.probes_by_keyword = {
            keyword: _unique([p for other in keywords if other in keyword for p in self.by_keyword[other]])
            for keyword in keywords
        }
        # A lookahead, so that a match does not hide a keyword starting inside it.
        alternation = "|".join(map(re.escape, keywords))
        self.prefilter = re.compile(f"(?=({alternation}))", re.IGNORECASE) if keywords else None
        self._last: tuple[SourceFile, list[Hit]] | None = None

    @classmethod
    def from_catalog(cls, catalog: Catalog, options: dict[str, dict[str, Any]]) -> "SecretScanner":
        from readylint.secrets.assignments import AssignmentFamily
        from readylint.secrets.private_keys import PrivateKeyFamily
        from readylint.secrets.providers import ProviderFamily
        from readylint.secrets.urls import PasswordUrlFamily

        builders = {
            "RL501": ProviderFamily,
            "RL502": PrivateKeyFamily,
            "RL503": PasswordUrlFamily,
            "RL504": AssignmentFamily,
        }
        families = []
        for code, build in builders.items():
            rule = catalog.by_code.get(code)
            if rule is None:
                continue
            try:
                families.append(build(rule, {**rule.option_defaults(), **options.get(code, {})}))
            except (ValueError, TypeError, KeyError, re.error) as exc:
                sources = ", ".join(map(str, rule.sources))
                raise CatalogError(sources, "catalog", f"{code}: {exc}") from None
        return cls(families)

    def scan(self, file: SourceFile) -> list[Hit]:
        """Every hit in the file, computed once however many checks ask."""
        if self._last is not None and self._last[0] is file:
            return self._last[1]
        hits = self._scan(file)
        self._last = (file, hits)
        return hits

    def _scan(self, file: SourceFile) -> list[Hit]:
        if self.prefilter is None:
            return []
        text = file.text
        states: dict[str, Any] = {}
        lines: dict[int, tuple[int, set[int]]] = {}  # line start -> (line end, probe ids seen)
        hits: list[Hit] = []
        for match in self.prefilter.finditer(text):
            probes = self.probes_by_keyword[match.group(1).lower()]
            line_start = text.rfind("\n", 0, match.start()) + 1
            entry = lines.get(line_start)
            if entry is None:
                line_end = text.find("\n", match.end())
                entry = lines[line_start] = (len(text) if line_end == -1 else line_end, set())
            line_end, seen = entry
            for probe in probes:
                if id(probe) in seen:
                    continue
                seen.add(id(probe))
                if probe.code not in states:
                    states[probe.code] = self.families[probe.code].file_state(file)
                state = states[probe.code]
                if state is not None:
                    hits.extend(probe.scan(text, line_start, line_end, state))
        return rank(hits)


def _unique(probes: list[Probe]) -> list[Probe]:
    return list({id(probe): probe for probe in probes}.values())


def rank(hits: list[Hit]) -> list[Hit]:
    """Drop hits that a more specific one already covers, and exact duplicates."""
    ordered = sorted(hits, key=lambda h: (PRIORITY.index(h.code), h.start))
    kept: list[Hit] = []
    for hit in ordered:
        if any(hit.start < other.end and other.start < hit.end for other in kept):
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.code))
