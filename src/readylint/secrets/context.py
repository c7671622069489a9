"""Where a found value lives, judged the same way by RL501, RL503 and RL504.

A value of the right shape is still not a committed secret when its
surroundings say it is documentation or a stand-in:

    examples=["whsec_…"]  /  * @example sk_live_…  /  "example": "…"
        an OpenAPI or pydantic example, shown to readers of the API docs;
    placeholder="6660491268:AAF…"
        a form field's hint, shown to whoever fills it in;
    "mock_sk_test_…"  /  "fake-token-…"  /  "dummy…"
        a value its author marked as a stand-in, at the start of its token,
    secret: "whsec_…",  // dummy secret
        or in a comment after it.

Each is decided on the found value's own line only, and only after a probe
has found a candidate, so the prefilter's speed is unchanged.
"""

from __future__ import annotations

import re

# `@example` (JSDoc, OpenAPI generators), `example=` / `examples=` (pydantic
# Field, FastAPI Body/Query), `"example":` / `example:` (OpenAPI JSON, YAML).
# A form field's `placeholder=` / `placeholder:` (JSX, HTML, Vue, component props).
EXAMPLE_CONTEXT_RE = re.compile(
    r"@example\b|(?<![\w-])[\"']?(?:examples?|placeholder)[\"']?\s*[=:]", re.IGNORECASE
)
# A comment after the value that calls it a stand-in: `# fake`, `// dummy secret`.
STAND_IN_COMMENT_RE = re.compile(
    r"(?:#|//|/\*|<!--)[^\n]*?\b(?:dummy|fake|mock|example|sample|placeholder|not\s+(?:a\s+)?real)\b",
    re.IGNORECASE,
)
# How far past the value a comment about it is looked for.
COMMENT_LOOKAHEAD = 200
# How far back on its line a value's example declaration is looked for (a
# minified line can be megabytes long).
EXAMPLE_LOOKBEHIND = 200
# The characters a token's marker word is joined to it by (`mock_sk_test_…`).
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


# A module whose first comments say it holds sample data ("Typeform samples.",
# "mock data for the email designer"): its literals are stand-ins, like those
# of a file under mocks/ or samples/. (Not seed data: a product's initial
# accounts are real.) A comment line, or a docstring's first line.
SAMPLE_DATA_HEADER_RE = re.compile(
    r"""^[ \t]*(?:#|//|/\*+|\*|"{3}|'{3})[^\n]*"""
    r"\b(?:samples|mocks|fixtures|(?:sample|mock|fake|dummy|test) data)\b",
    re.IGNORECASE | re.MULTILINE,
)
HEADER_CHARS = 600


def declares_sample_data(text: str) -> bool:
    return SAMPLE_DATA_HEADER_RE.search(text, 0, HEADER_CHARS) is not None


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


def comment_says_stand_in(text: str, end: int) -> bool:
    """Whether a comment after the value, on its line, calls it a stand-in."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return STAND_IN_COMMENT_RE.search(text, end, min(line_end, end + COMMENT_LOOKAHEAD)) is not None


def stands_in(text: str, start: int, end: int, markers: re.Pattern[str] | None) -> bool:
    """An example, a form hint, or a value marked as a stand-in (at its start or in a comment)."""
    return (in_example(text, start) or marked_as_stand_in(text, start, markers)
            or comment_says_stand_in(text, end))


def compile_markers(words: list[str]) -> re.Pattern[str] | None:
    """A regex matching a token that begins with one of `words`, any case."""
    if not words:
        return None
    return re.compile("(?i:" + "|".join(re.escape(w) for w in words) + ")")
