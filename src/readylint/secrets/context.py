"""Where a found value lives, judged the same way by RL501, RL503 and RL504.

A value of the right shape is still not a committed secret when its
surroundings say it is documentation or a stand-in:

    examples=["whsec_…"]  /  * @example sk_live_…  /  "example": "…"
        an OpenAPI or pydantic example, shown to readers of the API docs;
    placeholder="6660491268:AAF…"
        a form field's hint, shown to whoever fills it in;
    Sample response
    {"access_token": "opoj…"}
        a value in a paragraph that an example heading opens (a docstring's
        sample, a comment "Example of a … response");
    "mock_sk_test_…"  /  "fake-token-…"  /  "dummy…"
        a value its author marked as a stand-in, at the start of its token,
    secret: "whsec_…",  // dummy secret
        or in a comment after it;
    /** Typeform samples: webhook payloads … */
        any value of a module whose header says it holds samples (RL504).

Each is decided on the value's own line or its paragraph (a few lines up),
or the file's first characters, and only after a probe has found a
candidate, so the prefilter's speed is unchanged.
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


# A line that introduces an example or sample below it, in its own
# paragraph: one that starts with the word ("Sample response" in a
# docstring, "# Example of a slack oauth response…") or ends with it and a
# colon ("e.g.:", a guide's "you will get something like this:"). Prose
# only: no assignment, double quotes, backticks or brackets (an apostrophe is
# prose). Not a JSDoc `@example` (it names the value on its own line, see
# EXAMPLE_CONTEXT_RE), nor a comment that merely mentions examples. Matched
# from the line's start (no `^`: without MULTILINE it only matches at the
# start of the text).
_PROSE = r"[^=\"`()\[\]{}\n]"
_EXAMPLE_WORD = r"(?:examples?|samples?|e\.g\.)"
EXAMPLE_HEADING_RE = re.compile(
    rf"[ \t]*(?:#+|//+|/?\*+|\"{{3}}|'{{3}})?[ \t]*"
    rf"(?:{_EXAMPLE_WORD}(?![\w=]){_PROSE}*"
    rf"|{_PROSE}*\b(?:{_EXAMPLE_WORD}|(?:something|looks?) like this)[ \t]*:[ \t]*(?:\*/)?)$",
    re.IGNORECASE,
)
# A Markdown fence, an HTML code block, an reStructuredText code directive.
CODE_BLOCK_START_RE = re.compile(r"[ \t]*(?:```|~~~|<pre|<code|\.\. code)", re.IGNORECASE)
# How many lines above a value its paragraph's heading is looked for, and
# the longest line read as a heading (a minified line is no heading).
HEADING_LOOKBACK_LINES = 12
HEADING_MAX_CHARS = 200


def in_example(text: str, start: int) -> bool:
    """Whether the value at `start` is on a line that declares an example, or
    in a paragraph (no blank line between) that an example heading opens."""
    line_start = text.rfind("\n", 0, start) + 1
    if EXAMPLE_CONTEXT_RE.search(text, max(line_start, start - EXAMPLE_LOOKBEHIND), start) is not None:
        return True
    end = line_start - 1  # the newline that ends the line above
    below = line_start  # where the line below the one looked at starts
    for _ in range(HEADING_LOOKBACK_LINES):
        if end < 0:
            return False
        begin = text.rfind("\n", 0, end) + 1
        if begin == end or text[begin:end].isspace():
            if not CODE_BLOCK_START_RE.match(text, below):
                return False  # a blank line: the paragraph starts below it
            # ... unless a code block starts below it: a guide's heading, a blank line, then the block.
        elif end - begin <= HEADING_MAX_CHARS and EXAMPLE_HEADING_RE.match(text, begin, end):
            return True
        below, end = begin, begin - 1
    return False


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
