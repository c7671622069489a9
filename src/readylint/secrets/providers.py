"""RL501: credentials with a known format, one detector per provider format.

A detector (from `rules/RL501-provider-token.yaml`) is a regex whose named
group `secret` (or whole match) is the credential, the keywords that gate it,
and optional judgements that a look-alike fails: a minimum entropy, a
checksum the format carries, JWT claims the token must (or must not) have,
and known public values (documentation keys) that are never findings.

Where a token lives counts too: a detector can skip files (the Firebase
config files whose API key is public by design; documentation, for the
detectors that know a value only by the name beside it), test-mode keys are
silent under test directories (`quiet-in-tests`), so is every token in the
data files tests read there (scanner reports, saved pages), and a token on an
example's line or marked as a stand-in (`mock_sk_test_…`) is not a finding
(`readylint.secrets.context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable

from readylint.catalog import RuleSpec
from readylint.diagnostics import Severity, mask_secret
from readylint.secrets.checksums import CHECKSUMS
from readylint.secrets.jwt import claims_match, jwt_claims
from readylint.discovery import PathMatcher
from readylint.secrets.base import FilePlace, Hit, skip_matcher, test_matcher
from readylint.secrets.context import compile_markers, stands_in
from readylint.secrets.values import contains_word, shannon_entropy
from readylint.sources import SourceFile

# Token characters: a match must not be part of a longer run of them.
BOUNDARY_BEFORE = r"(?<![A-Za-z0-9])"
BOUNDARY_AFTER = r"(?![A-Za-z0-9])"


class DetectorError(ValueError):
    pass


@dataclass
class Detector:
    code: str
    id: str
    description: str
    regex: str  # compiled on first use: a run wakes only the detectors whose keywords it meets
    keywords: tuple[str, ...]
    placeholder_words: tuple[str, ...]
    entropy: float | None = None
    checksum: Callable[[str], bool] | None = None
    severity: Severity | None = None
    jwt_claims: dict[str, Any] | None = None
    jwt_ignore: list[dict[str, Any]] = field(default_factory=list)
    allow: frozenset[str] = frozenset()
    skip_files: PathMatcher | None = None
    test_key: bool = False
    stand_in_markers: re.Pattern[str] | None = None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.regex)

    def scan(self, text: str, start: int, end: int, state: "ProviderFile") -> Iterable[Hit]:
        for match in self.pattern.finditer(text, start, end):
            group = "secret" if "secret" in self.pattern.groupindex else 0
            secret = match.group(group)
            if self.accepts(secret) and self.reads(state) and not stands_in(
                text, match.start(group), match.end(group), self.stand_in_markers
            ):
                yield Hit(
                    self.code, self.id, match.start(group), match.end(group), secret,
                    f"{self.description} `{mask_secret(secret)}` is committed: revoke it, then read it "
                    "from the environment or a secret manager",
                    self.severity,
                )

    def accepts(self, secret: str) -> bool:
        if secret in self.allow or contains_word(secret, self.placeholder_words):
            return False
        if self.entropy is not None and shannon_entropy(secret) < self.entropy:
            return False
        if self.checksum is not None and not self.checksum(secret):
            return False
        if self.jwt_claims is not None:
            claims = jwt_claims(secret)
            if claims is None or not claims_match(claims, self.jwt_claims):
                return False
            if any(claims_match(claims, ignored) for ignored in self.jwt_ignore):
                return False
        return True

    def reads(self, file: "ProviderFile") -> bool:
        """Whether this detector reports in the file: not one it skips, not test
        data, nor, for a test-mode key, a test."""
        if self.skip_files is not None and file.skips(self.skip_files):
            return False
        if file.in_test_data:
            return False
        return not (self.test_key and file.in_tests)


class ProviderFile(FilePlace):
    """Where a file lives, as the detectors ask (on a detector's first match in it)."""

    def __init__(self, path: str, tests: PathMatcher | None, data_suffixes: tuple[str, ...]):
        super().__init__(path, tests)
        self._data_suffixes = data_suffixes
        self._skips: dict[int, bool] = {}

    @cached_property
    def in_test_data(self) -> bool:
        """A report, saved page or payload that tests read: a capture of other
        systems (a scanner's findings, a scraped site), not the project's keys."""
        return self.path.lower().endswith(self._data_suffixes) and self.in_tests

    def skips(self, matcher: PathMatcher) -> bool:
        skipped = self._skips.get(id(matcher))
        if skipped is None:
            skipped = self._skips[id(matcher)] = matcher.matches(self.path)
        return skipped


class ProviderFamily:
    code = "RL501"

    def __init__(self, rule: RuleSpec, options: dict[str, Any]):
        catalog = rule.catalog
        self.skip = skip_matcher(catalog)
        test_severity = Severity.parse(options.get("test-key-severity", "info"))
        placeholders = tuple(w.lower() for w in catalog.get("placeholder_words") or ())
        markers = compile_markers(list(catalog.get("stand_in_prefixes") or ()))
        # Quiet in tests, this rule still reads them for live tokens (see Detector.reads).
        self.tests = test_matcher(catalog, options)
        self.test_data_suffixes = tuple(str(s).lower() for s in catalog.get("test_data_suffixes") or ())
        # The shipped detectors are compiled by the tests; a user's are
        # compiled now, so that a bad pattern stops the run naming its file.
        extended = len(rule.sources) > 1
        self.probes = [
            build_detector(self.code, entry, placeholders, markers, test_severity, validate=extended)
            for entry in catalog.get("detectors") or ()
        ]

    def file_state(self, file: SourceFile) -> ProviderFile | None:
        return None if self.skip.matches(file.path) else ProviderFile(file.path, self.tests, self.test_data_suffixes)


def build_detector(
    code: str, entry: Any, placeholders: tuple[str, ...], markers: re.Pattern[str] | None,
    test_severity: Severity, *, validate: bool,
) -> Detector:
    if not isinstance(entry, dict) or not {"id", "description", "pattern", "keywords"} <= set(entry):
        raise DetectorError(f"a detector needs id, description, pattern and keywords: {entry!r}")
    regex = BOUNDARY_BEFORE + "(?:" + entry["pattern"] + ")" + BOUNDARY_AFTER
    if validate:
        try:
            re.compile(regex)
        except re.error as exc:
            raise DetectorError(f"detector {entry['id']}: bad pattern: {exc}") from None
    checksum = entry.get("checksum")
    if checksum is not None and checksum not in CHECKSUMS:
        raise DetectorError(f"detector {entry['id']}: unknown checksum {checksum!r} (known: {', '.join(CHECKSUMS)})")
    severity = Severity.parse(entry["severity"]) if "severity" in entry else None
    if entry.get("test_key"):
        severity = test_severity
    return Detector(
        code=code,
        id=str(entry["id"]),
        description=str(entry["description"]),
        regex=regex,
        keywords=tuple(str(k).lower() for k in entry["keywords"]),
        placeholder_words=placeholders,
        entropy=entry.get("entropy"),
        checksum=CHECKSUMS[checksum] if checksum else None,
        severity=severity,
        jwt_claims=entry.get("jwt_claims"),
        jwt_ignore=list(entry.get("jwt_ignore") or ()),
        allow=frozenset(entry.get("allow") or ()),
        skip_files=PathMatcher(list(entry["skip_files"])) if entry.get("skip_files") else None,
        test_key=bool(entry.get("test_key")),
        stand_in_markers=markers,
    )
