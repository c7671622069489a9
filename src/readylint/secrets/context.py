"""Where a found value lives, judged the same way by RL501, RL503 and RL504.

A value of the right shape is still not a committed secret when its
surroundings say it is documentation or a stand-in:

    examples=["whsec_…"]  /  * @example sk_live_…  /  "example": "…"
        an OpenAPI or pydantic example, shown to readers of the API docs;
    "mock_sk_test_…"  /  "fake-token-…"  /  "dummy…"
        a value its author marked as a stand-in, at the start of its token.

Each is decided on the found value's own line only, and only after a probe
has found a candidate, so the prefilter's speed is unchanged.
"""

from __future__ import annotations

import re

# `@example` (JSDoc, OpenAPI generators), `example=` / `examples=` (pydantic
# Field, FastAPI Body/Query), `"example":` / `example:` (OpenAPI JSON, YAML).
EXAMPLE_CONTEXT_RE = re.compile(r"@example\b|(?<![\w-])[\"']?examples?[\"']?\s*[=:]", re.IGNORECASE)
# How far back on its line a value's example declaration is looked for (a
# minified line can be megabytes long).
EXAMPLE_LOOKBEHIND = 200
# The characters a token's marker word is joined to it by (`mock_sk_test_…`).
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def in_example(text: str, start: int) -> bool:
    """Whether the value at `start` is on a line that declares an example."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - EXAMPLE_LOOKBEHIND)
    return EXAMPLE_CONTEXT_RE.search(text, line_start, start) is not None


def token_start(text: str, start: int) -> int:
    """Where the run of token characters that `start` is in begins."""
    while start and text[start - 1] in TOKEN_CHARS:
        start -= 1
    return start


def marked_as_stand_in(text: str, start: int, markers: re.Pattern[str] | None) -> bool:
    """Whether the token at `start` begins with a stand-in marker (`mock`, `fake`, …)."""
    return markers is not None and markers.match(text, token_start(text, start)) is not None


def compile_markers(words: list[str]) -> re.Pattern[str] | None:
    """A regex matching a token that begins with one of `words`, any case."""
    if not words:
        return None
    return re.compile("(?i:" + "|".join(re.escape(w) for w in words) + ")")
