"""RL601 sensitive-endpoint-without-rate-limit: a login, payment, AI or
messaging endpoint that nothing limits.

Each language's analysis turns a file into `readylint.routes` facts
(`python/routes.py`, `typescript/routes.py`): endpoints, the guards declared
with them, and guards declared for many endpoints at once. The judgement is
written once, here, over those facts, in the project pass (a limit may be
declared in another file than the route: settings, `middleware.ts`,
`app.use(limiter)`, a wrapper of another module). What is sensitive and what
limits is data: `rules/RL601-sensitive-endpoint-without-rate-limit.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readylint.catalog import Catalog
from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.diagnostics import Finding
from readylint.python.names import module_name_of
from readylint.python.routes import PythonRouteCatalog, PythonRoutes
from readylint.routes import (
    ADMIN_ONLY,
    CALLER_PAYS,
    RATE_LIMIT,
    AreaGuard,
    Endpoint,
    Guard,
    RouteFacts,
    matches_route_pattern,
    mentions_limits,
)
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile, kind_of
from readylint.typescript.modules import ModuleResolver
from readylint.typescript.routes import NEXT_ROUTE_FILE_RE, ScriptRouteCatalog, ScriptRoutes

if TYPE_CHECKING:
    from readylint.engine import Selection

# A Python module that declares no route, view or limit setting names none of these.
# A Python module that names no web framework and no limit setting declares no
# route and no application-wide limit (functions that limit are found by
# their words, `limits.prefilter_words`).
PYTHON_PREFILTER_RE = re.compile(
    r"\b(?:flask|quart|fastapi|starlette|pyramid|django|rest_framework)|INSTALLED_APPS|default_limits|RATELIMIT_"
    r"|DEFAULT_THROTTLE_CLASSES"
)
# A string naming a server framework (an import, a require): a TS/JS module that
# names none, is no Next.js route file and mentions no limiter declares nothing.
SCRIPT_PREFILTER_RE = re.compile(r"""['"](?:express|fastify|hono|koa|@koa/router|koa-router|@nestjs/[\w-]+|next/server)['"/]""")


@dataclass(frozen=True)
class Sensitivity:
    category: str
    paths: re.Pattern[str]
    names: re.Pattern[str]
    calls: tuple[str, ...]
    methods: frozenset[str]
    risk: str
    # A call the handler must make for the category to hold (messaging: one that sends).
    requires: re.Pattern[str] | None = None

    def reason(self, url: str, handler: str, calls: tuple[str, ...]) -> str | None:
        """Why an endpoint is of this category, or None."""
        said = None
        # `LoginView.post` is named by its class; `AuthController.userLogin` by both.
        owner, _, method = handler.rpartition(".")
        short = owner if owner and method.lower() in ("post", "put", "patch", "create") else handler
        if url and (match := self.paths.search(url.lower())):
            said = f"its path says `{match.group(0).strip('/_.-')}`"
        elif short and (match := self.names.search(short)):
            said = f"its name says `{match.group(0)}`"
        if said and self.requires is None:
            return said
        called = next((c for c in calls if _ends_with_any(c, self.calls)), None)
        if called:
            return f"it calls `{called}`"
        if self.requires is not None and not any(self.requires.search(c.rsplit(".", 1)[-1]) for c in calls):
            return None
        return said


def _sensitive_entry(indexed: tuple[int, Any]) -> dict[str, Any]:
    """A `sensitive` catalog entry (shipped or from a user's `extend-rules`) the check can use."""
    index, entry = indexed
    if not isinstance(entry, dict) or not entry.get("category") or not any(
            entry.get(key) for key in ("paths", "names", "calls")):
        raise ValueError(f"RL601 catalog: sensitive[{index}] needs a 'category' and 'paths', 'names' or 'calls' "
                         f"(got {entry!r})")
    return entry


def _ends_with_any(call: str, suffixes: tuple[str, ...]) -> bool:
    """`stripe.checkout.sessions.create` ends with `checkout.sessions.create` at a dot."""
    return any(call == s or call.endswith("." + s) for s in suffixes)


class SensitiveEndpointWithoutRateLimit(ProjectCheck):
    code = "RL601"
    kinds = frozenset({FileKind.PYTHON, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        catalog = rule.catalog
        self.methods = frozenset(str(m).upper() for m in catalog.get("methods") or ())
        self.not_sensitive = re.compile(str(catalog.get("not_sensitive") or r"(?!)"))
        self.not_sensitive_calls = tuple(str(c) for c in catalog.get("not_sensitive_calls") or ())
        self.sensitivities = tuple(
            Sensitivity(
                str(entry["category"]), re.compile(str(entry.get("paths") or r"(?!)"), re.IGNORECASE),
                re.compile(str(entry.get("names") or r"(?!)")), tuple(str(c) for c in entry.get("calls") or ()),
                frozenset(str(m).upper() for m in entry.get("methods") or ()) or self.methods,
                str(entry.get("risk") or "it can be called without limit"),
                re.compile(str(entry["requires_call"])) if entry.get("requires_call") else None,
            )
            for entry in map(_sensitive_entry, enumerate(catalog.get("sensitive") or ()))
        )
        limits = catalog.get("limits") or {}
        self.limit_name = re.compile(str(limits.get("name") or r"(?!)"))
        self.limit_words = tuple(str(w).lower() for w in limits.get("prefilter_words") or ())
        self.admin_only = re.compile(str(catalog.get("admin_only") or r"(?!)"))
        self.provider_calls = tuple(str(c) for c in limits.get("provider_calls") or ())
        self.remedies = {str(k): str(v) for k, v in (catalog.get("remedies") or {}).items()}
        self.scripts = ScriptRouteCatalog.from_catalog(catalog.get("typescript") or {}, self.limit_name,
                                                    self.limit_words, self.admin_only)
        upstream = options.get("rate-limited-upstream") or False
        if not isinstance(upstream, (bool, list)) or (
                isinstance(upstream, list) and not all(isinstance(p, str) for p in upstream)):
            raise ValueError(f"RL601 option rate-limited-upstream must be true, false or a list of paths, got {upstream!r}")
        self.upstream = upstream

    def prepare(self, catalog: Catalog, selection: "Selection") -> None:
        # Routes are declared as the webhook rules read them (RL302's `handlers`).
        handlers = catalog.by_code["RL302"].catalog.get("handlers") or {}
        self.python = PythonRouteCatalog.from_catalogs(handlers, self.rule.catalog.get("python") or {},
                                                     self.limit_name, self.limit_words, self.admin_only)

    def applies_to(self, file: SourceFile) -> bool:
        if file.kind in SCRIPT_KINDS:
            return bool(NEXT_ROUTE_FILE_RE.search(file.path) or SCRIPT_PREFILTER_RE.search(file.text)
                        or "APP_GUARD" in file.text or mentions_limits(file, self.limit_words))
        return bool(PYTHON_PREFILTER_RE.search(file.text) or mentions_limits(file, self.limit_words))

    def collect(self, file: SourceFile) -> RouteFacts | None:
        if file.kind in SCRIPT_KINDS:
            facts = ScriptRoutes(self.scripts, file).route_facts()
        elif file.python.tree is not None:
            facts = PythonRoutes(self.python, file).route_facts()
        else:
            return None
        return facts or None

    def wants_context(self, path: str) -> bool:
        return kind_of(path) in self.kinds

    # ------------------------------------------------------------ the judgement

    def check_project(self, facts: dict[str, RouteFacts], project: ProjectContext) -> Iterable[Finding]:
        area_guards = [guard for fact in facts.values() for guard in fact.area_guards]
        routed: dict[str, str] = {}
        for fact in facts.values():
            for qualified, path in fact.routes_elsewhere:
                routed.setdefault(qualified, path)
        guarding = {path: fact.guarding_functions for path, fact in facts.items() if fact.guarding_functions}
        resolver = ModuleResolver(project.root, facts) if guarding else None
        # Python delegates name modules, not files.
        modules = {module_name_of(path): path for path in guarding if kind_of(path) is FileKind.PYTHON}
        for path, fact in facts.items():
            for endpoint in fact.endpoints:
                url = endpoint.path or self._routed_path(endpoint.qualified, routed)
                finding = self.judge(path, endpoint, url, area_guards,
                                     lambda: self._delegated_guard(path, endpoint, guarding, resolver, modules))
                if finding is not None:
                    yield finding

    @staticmethod
    def _routed_path(qualified: str, routed: dict[str, str]) -> str:
        """A `urls.py` route to the view: paths are relative to the scanned root,
        so `src.shop.views.login` is routed as `shop.views.login`."""
        if not qualified:
            return ""
        return next((p for view, p in routed.items() if qualified == view or qualified.endswith("." + view)), "")

    def judge(self, path: str, endpoint: Endpoint, url: str, area_guards: list[AreaGuard],
              delegated: Any) -> Finding | None:
        if endpoint.methods and not self.methods & set(endpoint.methods):
            return None
        if not endpoint.methods and not endpoint.reads_body:
            return None  # a view that takes any method and only renders a page
        if self.not_sensitive.search(f"{url} {endpoint.handler}"):
            return None
        if any(_ends_with_any(c, self.not_sensitive_calls) for c in endpoint.calls):
            return None  # a redirect to an identity provider
        if any(g.kind == ADMIN_ONLY for g in endpoint.guards):
            return None  # administrators are not who a limit keeps out
        sensitivity, reason = next(
            ((s, r) for s in self.sensitivities
             if (not endpoint.methods or s.methods & set(endpoint.methods))
             and (r := s.reason(url, endpoint.handler, endpoint.calls))),
            (None, None),
        )
        if sensitivity is None:
            return None
        if any(g.kind == CALLER_PAYS and sensitivity.category in g.covers for g in endpoint.guards):
            return None  # the signed-in user's own key pays: there is no bill to run up
        if self._limited(endpoint, sensitivity, path, url, area_guards) or delegated() is not None:
            return None
        if self.upstream is True or (self.upstream and any(matches_route_pattern(p, url) for p in self.upstream if url)):
            return None
        methods = "/".join(m for m in endpoint.methods if m in sensitivity.methods)
        where = f"{methods or 'any method'} {url}".strip() if url else methods or "any method"
        # A Next.js route module's handler is named by its method.
        handler = f" (`{endpoint.handler}`)" if endpoint.handler and endpoint.handler not in endpoint.methods else ""
        remedy = self.remedies.get(endpoint.framework) or "limit it per client (IP, account)"
        article = "an" if sensitivity.category[0] in "aeiouAEIOU" else "a"
        line, column, end_line, end_column = endpoint.span
        return new_finding(
            self.rule, path, line, column,
            f"`{where}`{handler} is {article} {sensitivity.category} endpoint ({reason}) with no rate "
            f"limit: {sensitivity.risk}. Limit it: {remedy}; if a gateway or proxy limits it already, say so with "
            f"RL601's `rate-limited-upstream` option (true, or its paths)",
            end_line=end_line, end_column=end_column,
        )

    def _limited(self, endpoint: Endpoint, sensitivity: Sensitivity, path: str, url: str,
                 area_guards: list[AreaGuard]) -> bool:
        if any(g.kind == RATE_LIMIT and (not g.covers or sensitivity.category in g.covers) for g in endpoint.guards):
            return True
        if sensitivity.category == "authentication" and any(_ends_with_any(c, self.provider_calls) for c in endpoint.calls):
            return True  # the auth provider limits attempts
        if RATE_LIMIT in endpoint.opts_out:
            return False
        return any(
            area.guard.kind == RATE_LIMIT and (not area.guard.covers or sensitivity.category in area.guard.covers)
            and area.covers(endpoint, path, url)
            for area in area_guards
        )

    def _delegated_guard(self, path: str, endpoint: Endpoint, guarding: dict[str, dict[str, Guard]],
                         resolver: ModuleResolver | None, modules: dict[str, str]) -> Guard | None:
        """A wrapper or helper of another module the handler runs that limits."""
        if resolver is None:
            return None
        python = kind_of(path) is FileKind.PYTHON
        for delegate in endpoint.delegates:
            target = self._python_module(delegate.module, modules) if python else resolver.resolve(path, delegate.module)
            if target is not None and delegate.name in guarding.get(target, {}):
                return guarding[target][delegate.name]
        return None

    @staticmethod
    def _python_module(module: str, modules: dict[str, str]) -> str | None:
        """The file of a module, by its qualified name (paths relative to the
        scanned root: `src.hc.forms` is imported as `hc.forms`)."""
        return modules.get(module) or next(
            (path for name, path in modules.items() if name.endswith("." + module)), None)
