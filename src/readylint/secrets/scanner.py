"""One keyword-gated pass over a file for all four secrets rules.

Each rule contributes a *family* of probes. A probe names the lower-case
keywords without which it cannot match (a token prefix, a variable name, a
`://`), and is tried only on the lines that contain one of them (on a very
long line, only near them). One compiled alternation of every keyword finds
those lines, so a file with no keyword at all costs a single regex scan,
whatever the number of detectors.

The four checks share one scanner and one result per file: the first check
to look at a file runs the scan and the others reuse it. Findings of the
selected rules are ranked against each other: a Stripe key in
`STRIPE_SECRET = "sk_live_…"` is reported once, by RL501, not again by RL504
(unless RL501 is not selected: then RL504, the next most specific, has it).
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Iterable

from readylint.catalog import Catalog, CatalogError
from readylint.secrets.assignments import AssignmentFamily
from readylint.secrets.base import Family, Hit, Probe
from readylint.secrets.private_keys import PrivateKeyFamily
from readylint.secrets.providers import ProviderFamily
from readylint.secrets.urls import PasswordUrlFamily
from readylint.sources import SourceFile

# When two findings cover the same characters, the more specific rule wins.
PRIORITY = ("RL502", "RL501", "RL503", "RL504")

# A line longer than this (a minified bundle, a one-line JSON export) is not
# read whole by every probe it wakes: each reads a window around its keyword,
# from BEFORE characters ahead of it (a name before its value, a token's
# prefix) to AFTER characters past it (the value, the rest of the token), and
# on to the end of the token run there, so that no token is cut in two.
LONG_LINE = 4096
BEFORE = 512
AFTER = 1024
TOKEN_RUN_RE = re.compile(r"[\w+/=.:-]*")


class KeywordIndex:
    """The prefilter over some probes' keywords, and the probes each keyword wakes."""

    def __init__(self, probes: Iterable[Probe]):
        by_keyword: dict[str, list[Probe]] = {}
        for probe in probes:
            for keyword in probe.keywords:
                by_keyword.setdefault(keyword.lower(), []).append(probe)
        # The prefilter reports one keyword per match (the longest there) and
        # resumes after it, so a match also wakes the probes of every keyword
        # that could hide inside it or start inside it and run past its end.
        keywords = sorted(by_keyword)
        by_prefix: dict[str, set[str]] = {}
        for keyword in keywords:
            for end in range(1, len(keyword) + 1):
                by_prefix.setdefault(keyword[:end], set()).add(keyword)
        self.probes_by_keyword = {
            keyword: _unique([p for other in sorted(_hidden_by(keyword, by_prefix)) for p in by_keyword[other]])
            for keyword in keywords
        }
        self.prefilter = re.compile(trie_regex(keywords)) if keywords else None


class SecretScanner:
    def __init__(self, families: list[Family]):
        self.families = {family.code: family for family in families}
        # One index per set of families that read a file: a minified bundle
        # that only RL502 and RL503 read (RL501 skips `*.min.js`, RL504 skips
        # bundles) is searched for their 9 keywords, not all 111 (4x faster).
        self._indexes: dict[frozenset[str], KeywordIndex] = {}

    def keyword_index(self, codes: frozenset[str]) -> KeywordIndex:
        """The index of the given families' probes, built on first use."""
        index = self._indexes.get(codes)
        if index is None:
            index = self._indexes[codes] = KeywordIndex(
                probe for code in sorted(codes) for probe in self.families[code].probes
            )
        return index

    @classmethod
    def from_catalog(
        cls, catalog: Catalog, selected: Iterable[str], options: dict[str, dict[str, Any]]
    ) -> "SecretScanner":
        """A scanner for the selected secrets rules, with their options."""
        builders = {
            "RL501": ProviderFamily,
            "RL502": PrivateKeyFamily,
            "RL503": PasswordUrlFamily,
            "RL504": AssignmentFamily,
        }
        families = []
        for code, build in builders.items():
            rule = catalog.by_code.get(code)
            if rule is None or code not in selected:
                continue
            try:
                families.append(build(rule, {**rule.option_defaults(), **options.get(code, {})}))
            except (ValueError, TypeError, KeyError, re.error) as exc:
                sources = ", ".join(map(str, rule.sources))
                raise CatalogError(sources, "catalog", f"{code}: {exc}") from None
        return cls(families)

    def scan(self, file: SourceFile) -> list[Hit]:
        """Every hit in the file, computed once however many checks ask."""
        return file.shared(self, lambda: self._scan(file))

    def _scan(self, file: SourceFile) -> list[Hit]:
        states = {code: family.file_state(file) for code, family in self.families.items()}
        index = self.keyword_index(frozenset(code for code, state in states.items() if state is not None))
        if index.prefilter is None:
            return []
        text = file.text
        lowered = ascii_lower(text)
        hits: list[Hit] = []
        # Matches come in order: collect, line by line, the windows each woken
        # probe must read (overlapping ones merged), and run it once per window
        # when the line is done. A short line is one window.
        line_start = line_end = -1
        run_end = 0  # where the last token run read past a window's cut ends
        windows: dict[int, tuple[Probe, list[list[int]]]] = {}
        for match in index.prefilter.finditer(lowered):
            if match.start() > line_end:
                hits.extend(_run(windows, text, states))
                line_start = text.rfind("\n", 0, match.start()) + 1
                line_end = text.find("\n", match.end())
                line_end = len(text) if line_end == -1 else line_end
                windows = {}
            if line_end - line_start <= LONG_LINE:
                start, end = line_start, line_end
            else:
                start = max(line_start, match.start() - BEFORE)
                cut = min(line_end, match.end() + AFTER)
                if cut >= run_end:  # else the cut is in the run already read (cuts only move on)
                    run_end = TOKEN_RUN_RE.match(text, cut, line_end).end()
                end = run_end
            for probe in index.probes_by_keyword[match.group()]:
                spans = windows.setdefault(id(probe), (probe, []))[1]
                if spans and start <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], end)
                else:
                    spans.append([start, end])
        hits.extend(_run(windows, text, states))
        return rank(hits)


def _run(windows: dict[int, tuple[Probe, list[list[int]]]], text: str, states: dict[str, Any]) -> Iterable[Hit]:
    """Run each probe once per window, in the order they were woken."""
    for probe, spans in windows.values():
        for start, end in spans:
            yield from probe.scan(text, start, end, states[probe.code])


def ascii_lower(text: str) -> str:
    """`text` lower-cased without changing its length (offsets stay valid).

    str.lower() may lengthen a few non-ASCII characters ('İ' -> 'i̇')."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER = {ord(c): ord(c.lower()) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def trie_regex(words: list[str]) -> str:
    """One regex matching any of `words`, factored by common prefixes.

    Python's `re` tries alternatives one by one; factored, it tests each
    character once per position instead of once per keyword (about five
    times faster on 100 keywords), and greedy optionals keep the longest."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?" if len(branches) == 1 and len(body) > 1 else body + "?"
        return body

    return build(trie)


def _hidden_by(found: str, by_prefix: dict[str, set[str]]) -> set[str]:
    """Keywords that can occur inside a match of `found` (it contains them),
    or start inside it and run past its end (their prefix is its suffix)."""
    hidden = set()
    for start in range(len(found)):
        if start:
            hidden |= by_prefix.get(found[start:], set())
        for end in range(start + 1, len(found) + 1):
            piece = found[start:end]
            if piece in by_prefix.get(piece, ()):  # a keyword is its own longest prefix
                hidden.add(piece)
    return hidden


def _unique(probes: list[Probe]) -> list[Probe]:
    return list({id(probe): probe for probe in probes}.values())


def rank(hits: list[Hit]) -> list[Hit]:
    """Drop hits that a more specific one already covers, and exact duplicates."""
    ordered = sorted(hits, key=lambda h: (PRIORITY.index(h.code), h.start))
    # The spans kept so far never overlap, so sorted by start they are sorted
    # by end too, and only the two neighbours of a new span can overlap it
    # (testing every kept span made a file of 5,000 secrets quadratic).
    kept: list[Hit] = []
    kept_starts: list[int] = []
    for hit in ordered:
        index = bisect.bisect_right(kept_starts, hit.start)
        if index and kept[index - 1].end > hit.start:
            continue
        if index < len(kept) and kept[index].start < hit.end:
            continue
        kept.insert(index, hit)
        kept_starts.insert(index, hit.start)
    return sorted(kept, key=lambda h: (h.start, h.code))
