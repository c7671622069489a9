"""The HTTP endpoint concept, shared by every language: what request-handling
rules judge (RL601 today; the webhook rules as they move onto facts).

Each language's analysis (`python/routes.py`, `typescript/routes.py`) turns a
file into `RouteFacts`: the endpoints it declares, with what their handlers
call and the guards (rate limits, authentication) applied to them where
they are declared, and the guards it declares for many endpoints at once
(`app.use(limiter)`, Flask-Limiter's `default_limits`, a Next.js
`middleware.ts` and its matcher). A rule judges these facts once, whatever
the language; the facts are small and picklable, so the project pass can
join them across files (a Django `urls.py` routing to a view of another
module, a wrapper function defined in another module).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readylint.outbound import Span
from readylint.sources import SourceFile

# Guard kinds.
RATE_LIMIT = "rate-limit"
ADMIN_ONLY = "admin-only"  # only administrators reach the handler (`Depends(get_current_superuser)`)
# The caller's own credentials pay for what the handler does (an LLM client
# made in the handler with the user's stored API key, not the server's).
CALLER_PAYS = "caller-pays"


@dataclass(frozen=True)
class Guard:
    """Something that stands between a request and a handler: a rate limit,
    an authentication check. `label` is how a message names it."""

    kind: str
    label: str
    line: int
    # Only for some of what an endpoint does (django-axes limits logins, not
    # checkouts): the sensitivity categories it covers; empty: all.
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delegate:
    """A function of another module an endpoint's handler runs: a wrapper
    (`export const POST = withWorkspace(async (req) => ...)`) or a callee.
    `module` is how the importer names it (a specifier, or a qualified
    Python module), `name` what that module exports."""

    module: str
    name: str


@dataclass(frozen=True)
class Endpoint:
    path: str  # the route as written ("/api/login", "auth/<str:token>/"); "" when not known here
    methods: tuple[str, ...]  # upper case; () when any method reaches the handler
    handler: str  # "login", "AuthController.signIn", "POST" (a Next.js route module's export); "" when anonymous
    span: Span  # where findings point: the handler's name or its registration
    framework: str  # "flask", "fastapi", "django", "next-app", "express", "nestjs", ...
    calls: tuple[str, ...] = ()  # what the handler calls, qualified where known, else as written
    guards: tuple[Guard, ...] = ()
    delegates: tuple[Delegate, ...] = ()
    qualified: str = ""  # the handler's qualified name, for routes declared in another module (Django)
    # Guard kinds declared for many endpoints that this one opts out of
    # (NestJS `@SkipThrottle()`, Flask-Limiter `@limiter.exempt`).
    opts_out: tuple[str, ...] = ()
    # The handler reads a submission (a body, a form, `request.method == "POST"`):
    # what tells a view that takes any method from one that only renders a page.
    reads_body: bool = True


@dataclass(frozen=True)
class AreaGuard:
    """A guard declared once for many endpoints: those of `frameworks` (empty:
    any) under the directory `scope` ("" for the whole project) whose path
    matches one of `paths` (None: every path)."""

    guard: Guard
    path: str  # the file that declares it
    frameworks: tuple[str, ...] = ()
    scope: str = ""
    paths: tuple[str, ...] | None = None

    def covers(self, endpoint: Endpoint, endpoint_file: str, url: str) -> bool:
        if self.frameworks and endpoint.framework not in self.frameworks:
            return False
        if self.scope and not (endpoint_file + "/").startswith(self.scope.rstrip("/") + "/"):
            return False
        return self.paths is None or any(matches_route_pattern(pattern, url) for pattern in self.paths)


@dataclass
class RouteFacts:
    """What one file tells the project pass about routes."""

    endpoints: list[Endpoint] = field(default_factory=list)
    area_guards: list[AreaGuard] = field(default_factory=list)
    # Routes this file declares to handlers of other modules: (qualified handler, path).
    routes_elsewhere: list[tuple[str, str]] = field(default_factory=list)
    # Functions this module defines that apply a guard (a wrapper that rate-limits): name -> guard.
    guarding_functions: dict[str, Guard] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.endpoints or self.area_guards or self.routes_elsewhere or self.guarding_functions)


_PARAMETER_RE = re.compile(r":(\w+)(\*|\+|\?|\([^)]*\))?")


def matches_route_pattern(pattern: str, url: str) -> bool:
    """Does a path-to-regexp pattern (Next.js matchers, Express mounts:
    `/api/:path*`, `/((?!_next|static).*)`), a glob (`/api/auth/*`) or a plain
    prefix cover `url`?
    A pattern readylint cannot read covers every path: it is the silent side."""
    if not pattern.startswith("/"):
        return True
    regex = []
    position = 0
    for match in _PARAMETER_RE.finditer(pattern):
        regex.append(_literal_regex(pattern[position:match.start()]))
        modifier = match.group(2) or ""
        if modifier.startswith("("):
            regex.append(modifier)
        elif modifier in ("*", "+"):
            regex.append(".*" if modifier == "*" else ".+")
        else:
            regex.append("[^/]+" if modifier != "?" else "[^/]*")
        position = match.end()
    regex.append(_literal_regex(pattern[position:]))
    try:
        return re.match("".join(regex) + r"(?:/.*)?$", url.rstrip("/") or "/") is not None
    except re.error:
        return True


def _literal_regex(text: str) -> str:
    # Groups written in the pattern (`/((?!api).*)`) are regular expressions
    # already; a `*` elsewhere is a wildcard (`/api/auth/*`, Hono's `app.use("/api/*")`).
    return text if "(" in text else re.escape(text).replace(r"\*", ".*")


def mentions_limits(file: SourceFile, words: tuple[str, ...]) -> bool:
    """Does the file's text contain one of a limiter's words (lowercase
    substrings)? Decided once per file: a substring test over the lowered text
    costs a tenth of the catalog's limiter-name regex over the raw one."""
    return file.shared((mentions_limits, words), lambda: any(w in file.text.lower() for w in words))
