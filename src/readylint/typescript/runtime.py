"""Where a TS/JS module runs: server rules (RL1xx-RL3xx) leave browser code alone.

A module is browser code when it says so (a `'use client'` directive), when it
uses React's client-only hooks (a server component cannot; their effects and
event handlers run in the browser), or when it reads the page
(`window.location`, `document.cookie`, `localStorage`, an extension's
`chrome.runtime`) without checking
`typeof window`, which code that runs on both sides does.

A module no server code imports is browser code too: a helper in a Next.js
app that only client components import (`client_only_modules`, over the
project's import graph).

A whole package is out of scope when its nearest `package.json` says it is
a browser app or widget (a UI framework among its dependencies and no server
framework: a Vite SPA, an embeddable widget, a Stripe app) or a command-line
tool (`bin`, no server framework): a stalled call there is in front of a
person who can retry, not in a server's worker pool.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from readylint.sources import SourceFile
from readylint.typescript.modules import ModuleResolver, ReExport, import_specifiers, re_exports

MAX_DIRECTIVES = 16
CLIENT_HOOKS = ("useState", "useEffect", "useLayoutEffect", "useReducer", "useSWR", "useQuery", "useMutation",
                "useInfiniteQuery", "useCallback", "useMemo", "useRef", "useContext", "useTransition",
                "useSyncExternalStore", "useImperativeHandle")
CLIENT_HOOKS_RE = re.compile(r"\b(?:%s)\w*\s*[(<]" % "|".join(CLIENT_HOOKS))
# A route module of Remix / React Router or the Next.js pages router runs its
# loader, action or data function on the server, whatever hooks its component uses.
SERVER_EXPORTS = ("loader", "action", "getServerSideProps", "getStaticProps")
SERVER_EXPORTS_RE = re.compile(
    r"^[ \t]*export[ \t]+(?:async[ \t]+)?(?:function[ \t*]+|const[ \t]+|let[ \t]+)(?:%s)\b" % "|".join(SERVER_EXPORTS),
    re.MULTILINE)
PAGE_APIS_RE = re.compile(
    r"\bwindow\.(?:location|addEventListener|open|history|localStorage|sessionStorage|document)\b"
    r"|\bdocument\.(?:cookie|getElementById|querySelector|createElement|body)\b"
    r"|\b(?:localStorage|sessionStorage)\.(?:getItem|setItem)\b"
    # A browser extension's background or content script.
    r"|\b(?:chrome|browser)\.(?:runtime|storage|tabs|action|scripting)\.\w"
)
ISOMORPHIC_RE = re.compile(r"\btypeof\s+window\b")
# Server-only by declaration: modules guarded by the `server-only` package.
SERVER_ONLY_IMPORT_RE = re.compile(r"""^[ \t]*import[ \t]+['"]server-only['"]""", re.MULTILINE)
UI_FRAMEWORKS = frozenset({
    "react-dom", "vue", "svelte", "preact", "solid-js", "@angular/core", "@stripe/ui-extension-sdk", "react-native",
    "expo",
})
SERVER_FRAMEWORKS = frozenset({
    "next", "express", "fastify", "hono", "koa", "@nestjs/core", "@remix-run/node", "@remix-run/server-runtime",
    "@react-router/node", "nuxt", "@sveltejs/kit", "h3", "@hapi/hapi", "elysia", "astro", "@trpc/server",
})


def directives(text: str) -> list[str]:
    """The directive prologue (`'use client'`, `"use server"`, `'use strict'`),
    read past comments in one linear scan (a regex over optional comments can
    backtrack without end on a file of many of them)."""
    found: list[str] = []
    at, size = 0, len(text)
    while at < size and len(found) < MAX_DIRECTIVES:
        while at < size and text[at].isspace():
            at += 1
        if text.startswith("//", at):
            newline = text.find("\n", at)
            at = size if newline < 0 else newline + 1
        elif text.startswith("/*", at):
            end = text.find("*/", at + 2)
            at = size if end < 0 else end + 2
        elif at < size and text[at] in "'\"":
            end = text.find(text[at], at + 1)
            if end < 0 or "\n" in text[at:end]:
                break
            found.append(text[at + 1:end])
            at = end + 1
            while at < size and text[at] in " \t;":
                at += 1
        else:
            break
    return found


# A module that runs itself: `main()` / `main().catch(...)` at the top level. (Not a CommonJS
# `require.main === module` check: a server's entry point makes it too.)
SCRIPT_ENTRY_RE = re.compile(r"^(?:void[ \t]+|await[ \t]+)?(?:main|run|seed)\(\)", re.MULTILINE)


def runs_as_script(text: str) -> bool:
    """A one-off command-line script (a backfill, a seed, a dev tool) rather than a module of the service."""
    return ("main" in text or "run()" in text or "seed()" in text) and bool(SCRIPT_ENTRY_RE.search(text))


def runs_in_browser(file: SourceFile) -> bool:
    """Is this module browser-only, or part of a browser app or a CLI?"""
    return file.shared(runs_in_browser, lambda: _runs_in_browser(file))


def _runs_in_browser(file: SourceFile) -> bool:
    text = file.text
    # Substring tests first: each regex scan costs far more than they do.
    if "use client" in directives(text):
        return True
    if any(name in text for name in SERVER_EXPORTS) and SERVER_EXPORTS_RE.search(text):
        return False
    if any(hook in text for hook in CLIENT_HOOKS) and CLIENT_HOOKS_RE.search(text):
        return True
    if (any(api in text for api in ("window.", "document.", "Storage.", "chrome.", "browser."))
            and PAGE_APIS_RE.search(text)
            and not ("typeof" in text and ISOMORPHIC_RE.search(text))):
        return True
    return file.abs_path is not None and _client_package(str(file.abs_path.parent))


@lru_cache(maxsize=4096)
def _client_package(directory: str) -> bool:
    """Whether the nearest package.json above `directory` is a browser app or a CLI."""
    manifest = os.path.join(directory, "package.json")
    if os.path.isfile(manifest):
        return _is_client_manifest(manifest)
    parent = os.path.dirname(directory)
    return parent != directory and _client_package(parent)


def _is_client_manifest(path: str) -> bool:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    dependencies: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            dependencies |= set(data[key])
    if dependencies & SERVER_FRAMEWORKS:
        return False
    return bool(dependencies & UI_FRAMEWORKS) or isinstance(data.get("browser"), (str, dict)) or "bin" in data


@dataclass(frozen=True)
class ScriptModule:
    """What the project pass needs of one TS/JS module to place it: its imports
    and what the module itself says about where it runs."""

    imports: tuple[str, ...]
    browser: bool
    server_only: bool = False
    re_exports: tuple[ReExport, ...] = ()


def script_module(file: SourceFile) -> ScriptModule:
    text = file.text
    server_only = "use server" in directives(text) or ("server-only" in text and bool(SERVER_ONLY_IMPORT_RE.search(text)))
    return ScriptModule(import_specifiers(text), runs_in_browser(file), server_only,
                        re_exports(text) if "export" in text else ())


def client_only_modules(modules: dict[str, ScriptModule], resolver: ModuleResolver) -> set[str]:
    """Modules imported, directly or through other such modules, only by browser code.
    Only `modules` place others (the caller leaves out tests, which run on neither side)."""
    importers: dict[str, set[str]] = {}
    for path, module in modules.items():
        for specifier in module.imports:
            target = resolver.resolve(path, specifier)
            if target is not None and target != path and target in modules:
                importers.setdefault(target, set()).add(path)
    client = {path for path, module in modules.items() if module.browser}
    only_client: set[str] = set()
    changed = True
    while changed:
        changed = False
        for path, users in importers.items():
            module = modules[path]
            if path in client or path in only_client or module.server_only:
                continue
            if users <= client | only_client:
                only_client.add(path)
                changed = True
    return only_client
