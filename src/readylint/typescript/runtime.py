"""Where a TS/JS module runs: server rules (RL1xx-RL3xx) leave browser code alone.

A module is browser code when it says so (a `'use client'` directive), when it
uses React's client-only hooks (a server component cannot; their effects and
event handlers run in the browser), or when it reads the page
(`window.location`, `document.cookie`, `localStorage`) without checking
`typeof window`, which code that runs on both sides does.
"""

from __future__ import annotations

import re

from readylint.sources import SourceFile

USE_CLIENT_RE = re.compile(r"""\A(?:\s|//[^\n]*\n|/\*.*?\*/)*['"]use client['"]""", re.DOTALL)
CLIENT_HOOKS_RE = re.compile(
    r"\buse(?:State|Effect|LayoutEffect|Reducer|SWR|SWRMutation|Query|Mutation|InfiniteQuery)\s*[(<]"
)
PAGE_APIS_RE = re.compile(
    r"\bwindow\.(?:location|addEventListener|open|history|localStorage|sessionStorage|document)\b"
    r"|\bdocument\.(?:cookie|getElementById|querySelector|createElement|body)\b"
    r"|\b(?:localStorage|sessionStorage)\.(?:getItem|setItem)\b"
)
ISOMORPHIC_RE = re.compile(r"\btypeof\s+window\b")


def runs_in_browser(file: SourceFile) -> bool:
    return file.shared(runs_in_browser, lambda: _runs_in_browser(file.text))


def _runs_in_browser(text: str) -> bool:
    if USE_CLIENT_RE.match(text) or CLIENT_HOOKS_RE.search(text):
        return True
    return bool(PAGE_APIS_RE.search(text)) and not ISOMORPHIC_RE.search(text)
