"""Judging a candidate value: random enough, and not a placeholder or a reference."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s own character distribution."""
    if not value:
        return 0.0
    length = len(value)
    return -sum(count / length * math.log2(count / length) for count in Counter(value).values())


def compile_any(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any of `patterns` (None if there are none)."""
    patterns = list(patterns)
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def contains_word(value: str, words: Iterable[str]) -> bool:
    lowered = value.lower()
    return any(word in lowered for word in words)


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# All letters (any script), perhaps joined by separators: an identifier or a word
# ("access_token", "Bearer", "client-secret"), not a generated secret.
WORDLIKE_RE = re.compile(r"[^\W\d_]+(?:[-_.:/ ][^\W\d_]+)*")
# A run of one character ("xxxxxxxx", "********", "00000000").
REPEATED_RE = re.compile(r"(.)\1{5,}")


def character_classes(value: str) -> int:
    return sum((
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
        any(not c.isalnum() for c in value),
    ))


def is_uuid(value: str) -> bool:
    return UUID_RE.fullmatch(value) is not None


def is_wordlike(value: str) -> bool:
    return WORDLIKE_RE.fullmatch(value) is not None


IDENTIFIER_SEPARATOR_RE = re.compile(r"[-_.]")
# A part of an identifier that need not be a word: `e2e`, `v2`, `s3`, `01`.
SHORT_PART = 3


def is_identifier(value: str) -> bool:
    """Three or more parts joined by separators, each a word or a short part
    (`polar_cl_e2e_seed_checkout_link`, `app-v2-prod`): a name, not a secret,
    whose random parts are long."""
    parts = IDENTIFIER_SEPARATOR_RE.split(value)
    return len(parts) >= 3 and all(part.isalpha() or len(part) <= SHORT_PART for part in parts)


def has_long_run(value: str) -> bool:
    return REPEATED_RE.search(value) is not None
