"""HTTP endpoints of a Python module, as `readylint.routes` facts.

How a route is declared is RL302's catalog (`handlers`: route decorators,
route registrations, view methods and decorators), shared with the webhook
rules: the functions here are the discovery both use.

    @app.post("/login")                            Flask, FastAPI (methods from the decorator)
    @app.route("/login", methods=["GET", "POST"])  Flask
    app.add_url_rule("/login", view_func=login)    Flask, FastAPI `add_api_route`, Starlette `Route`
    @view_config(route_name="login")               Pyramid
    def login(request): ...  (views module)        Django, DRF `@api_view`; the path from a `urls.py`
    class LoginView(APIView): def post(...)        Django/DRF class views

Guards are read where the endpoint is declared: decorators and route
dependencies (`@limiter.limit`, `@ratelimit`, `Depends(RateLimiter(...))`),
DRF `throttle_classes`, limiter calls in the handler or the functions of the
module it calls; and for many endpoints at once: Flask-Limiter and slowapi
`default_limits`, `RATELIMIT_DEFAULT`, DRF `DEFAULT_THROTTLE_CLASSES`,
django-axes in `INSTALLED_APPS`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from readylint.discovery import matches_skip_paths
from readylint.outbound import Span
from readylint.python.localflow import FUNCTIONS
from readylint.python.names import QualifiedNames, module_name_of
from readylint.python.tree import TreeIndex
from readylint.routes import (
    ADMIN_ONLY,
    CALLER_PAYS,
    RATE_LIMIT,
    AreaGuard,
    Delegate,
    Endpoint,
    Guard,
    RouteFacts,
    mentions_limits,
)
from readylint.sources import SourceFile

Function = ast.FunctionDef | ast.AsyncFunctionDef

# Route declarations whose methods default to GET unless `methods=` says otherwise
# (Flask `route`/`add_url_rule`, FastAPI `api_route`/`add_api_route`, Starlette
# `Route`, DRF `@action`); the others name their method (`post`), or take any
# (Django `path`, Pyramid `view_config`).
GET_BY_DEFAULT = frozenset({"route", "api_route", "add_url_rule", "add_api_route", "Route", "action"})
NAMED_METHODS = frozenset({"get", "post", "put", "patch", "delete"})
# A view that takes any method and acts on a submission reads it.
READS_SUBMISSION_RE = re.compile(
    r"\.(?:POST|body|data|json|form|get_json|FILES)\b|\bmethod\s*==\s*['\"]POST|\bis_valid\(|require_POST"
)
# How much of an expression's text a label or a pattern test reads.
MAX_WRITTEN = 200
MAX_CALLS = 200


def definitions(tree: ast.Module) -> Iterator[ast.ClassDef | Function]:
    """Classes, and functions that are not methods, through statements only
    (a Flask app factory's nested routes included): cheaper than `ast.walk`."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ClassDef):
            yield node
            pending.extend(item for item in node.body if not isinstance(item, FUNCTIONS))
            pending.extend(s for item in node.body if isinstance(item, FUNCTIONS) for s in item.body)
            continue
        if isinstance(node, FUNCTIONS):
            yield node
        for name in ("body", "orelse", "finalbody", "handlers"):
            pending.extend(getattr(node, name, None) or ())
        for case in getattr(node, "cases", None) or ():
            pending.extend(case.body)


def called_name(func: ast.expr) -> str:
    """`app.post` -> "post", `Route` -> "Route"."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def is_view_function(function: Function, request_parameters: frozenset[str], view_decorators: frozenset[str],
                     in_views_module: bool) -> bool:
    """A Django or DRF function view: takes `request` first, and is decorated as a
    view (`@csrf_exempt`, `@require_POST`, `@api_view`) or lives in a views module."""
    arguments = function.args.args
    if not arguments or arguments[0].arg not in request_parameters:
        return False
    decorators = {called_name(d.func if isinstance(d, ast.Call) else d) for d in function.decorator_list}
    return in_views_module or bool(decorators & view_decorators)


def route_path(decorator: ast.expr, route_decorators: frozenset[str]) -> str | None:
    """The path of a route decorator (`@app.post("/hook")` -> "/hook"), else None."""
    if not isinstance(decorator, ast.Call):
        return None
    called = called_name(decorator.func)
    if called not in route_decorators:
        return None
    if decorator.args and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str):
        return decorator.args[0].value
    for keyword in decorator.keywords:
        if keyword.arg in ("path", "rule", "url_path", "route_name") and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    # `@action(detail=False, methods=["post"])` (DRF): the path is the method's name.
    return "" if called == "action" or not decorator.args else None


def route_methods(call: ast.Call) -> tuple[str, ...]:
    """The methods a route declaration accepts, upper case; () for any."""
    called = called_name(call.func)
    if called in NAMED_METHODS:
        return (called.upper(),)
    for keyword in call.keywords:
        if keyword.arg in ("methods", "request_method") and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
            return tuple(str(e.value).upper() for e in keyword.value.elts if isinstance(e, ast.Constant))
        if keyword.arg in ("methods", "request_method") and isinstance(keyword.value, ast.Constant):
            return (str(keyword.value.value).upper(),)
        if keyword.arg in ("methods", "request_method"):
            return ()  # a variable: any, as far as readylint can tell
    return ("GET",) if called in GET_BY_DEFAULT else ()


def module_level_calls(tree: ast.Module, index: TreeIndex) -> Iterator[ast.Call]:
    """Calls outside functions and classes (`urlpatterns = [path(...)]`)."""
    for statement in tree.body:
        if not isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
            for node in index.walk(statement):
                if isinstance(node, ast.Call):
                    yield node


def registrations(calls: Iterator[ast.Call], route_registrations: frozenset[str]) -> Iterator[tuple[ast.Call, str, ast.expr]]:
    """Route registration calls with a literal path: (call, path, view) for each
    view named (`add_url_rule("/hook", view_func=f)`, `Route("/hook", f)`, `path("hook/", f)`)."""
    for call in calls:
        if called_name(call.func) not in route_registrations or not call.args:
            continue
        first = call.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        for view in [*call.args[1:], *(k.value for k in call.keywords if k.arg in ("view_func", "endpoint", "view"))]:
            yield call, first.value, view


def routed_view(view: ast.expr) -> ast.expr:
    """`View.as_view()` -> `View`: what a registration routes to."""
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        return view.func.value
    return view


@dataclass(frozen=True)
class PythonRouteCatalog:
    """What RL601 reads of its catalog's `python` section, and of RL302's `handlers`."""

    route_decorators: frozenset[str]
    route_registrations: frozenset[str]
    request_parameters: frozenset[str]
    view_methods: frozenset[str]
    view_decorators: frozenset[str]
    view_module: re.Pattern[str]
    skip_paths: tuple[str, ...]
    limit_name: re.Pattern[str]
    limit_words: tuple[str, ...]
    admin_only: re.Pattern[str]
    paid_clients: frozenset[str]
    server_key: re.Pattern[str]
    limiter_factories: frozenset[str]
    default_limit_keywords: frozenset[str]
    default_limit_settings: tuple[str, ...]
    throttle_attributes: frozenset[str]
    throttle_setting: str
    drf_bases: re.Pattern[str]
    drf_decorators: frozenset[str]
    login_limiting_apps: frozenset[str]
    limited_view_modules: tuple[str, ...]
    framework_views: frozenset[str]  # a framework's own views that check credentials (Django's LoginView)
    framework_urls: dict[str, dict[str, str]]  # included URL modules: path -> framework view

    @classmethod
    def from_catalogs(cls, handlers: dict[str, Any], section: dict[str, Any],
                      limit_name: re.Pattern[str], limit_words: tuple[str, ...],
                      admin_only: re.Pattern[str]) -> "PythonRouteCatalog":
        def strings(data: Any) -> frozenset[str]:
            return frozenset(str(item) for item in data or ())

        return cls(
            route_decorators=strings(handlers.get("route_decorators")),
            route_registrations=strings(handlers.get("route_registrations")),
            request_parameters=strings(handlers.get("request_parameters")),
            view_methods=strings(handlers.get("view_methods")),
            view_decorators=strings(handlers.get("view_decorators")),
            view_module=re.compile(str(handlers.get("view_module") or r"(?!)")),
            skip_paths=tuple(handlers.get("skip_paths") or ()),
            limit_name=limit_name,
            limit_words=limit_words,
            admin_only=admin_only,
            paid_clients=strings(section.get("paid_clients")),
            server_key=re.compile(str(section.get("server_key") or r"(?!)")),
            limiter_factories=strings(section.get("limiter_factories")),
            default_limit_keywords=strings(section.get("default_limit_keywords")),
            default_limit_settings=tuple(section.get("default_limit_settings") or ()),
            throttle_attributes=strings(section.get("throttle_attributes")),
            throttle_setting=str(section.get("throttle_setting") or ""),
            drf_bases=re.compile(str(section.get("drf_bases") or r"(?!)")),
            drf_decorators=strings(section.get("drf_decorators")),
            login_limiting_apps=strings(section.get("login_limiting_apps")),
            limited_view_modules=tuple(section.get("limited_view_modules") or ()),
            framework_views=strings(section.get("framework_views")),
            framework_urls={str(module): {str(p): str(v) for p, v in (routes or {}).items()}
                            for module, routes in (section.get("framework_urls") or {}).items()},
        )


def _empty(node: ast.expr | None) -> bool:
    """`[]`, `()` or `None`: a setting that sets nothing."""
    return node is None or (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, (ast.List, ast.Tuple)) and not node.elts)


@dataclass
class _FunctionSummary:
    reads: bool  # reads a submission (a body, a form)
    guards: list[Guard] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    delegates: list[Delegate] = field(default_factory=list)


class PythonRoutes:
    """The endpoints of one Python module and the guards it declares."""

    def __init__(self, catalog: PythonRouteCatalog, file: SourceFile):
        self.catalog = catalog
        self.file = file
        self.tree: ast.Module = file.python.tree
        self.index: TreeIndex = file.tree_index
        self.module = module_name_of(file.path)
        self.module_functions: dict[str, Function] = {
            node.name: node for node in self.tree.body if isinstance(node, FUNCTIONS)
        }
        self.facts = RouteFacts()
        self._summaries: dict[int, _FunctionSummary] = {}

    @cached_property
    def names(self) -> QualifiedNames:
        """Built only for a module that declares routes or limits."""
        return QualifiedNames.for_file(self.file)

    @cached_property
    def imports_text(self) -> str:
        return " ".join(
            ast.unparse(node) for node in self.tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
        )

    @cached_property
    def framework(self) -> str:
        imports = self.imports_text
        for framework, marker in (("fastapi", "fastapi"), ("flask", "flask"), ("flask", "quart"),
                                  ("starlette", "starlette"), ("pyramid", "pyramid"), ("drf", "rest_framework"),
                                  ("django", "django")):
            if re.search(rf"\b{marker}\b", imports):
                return framework
        return ""

    def route_facts(self) -> RouteFacts:
        if matches_skip_paths(self.file.path, self.catalog.skip_paths):
            return self.facts
        self._area_guards()
        if mentions_limits(self.file, self.catalog.limit_words):
            self._guarding_definitions()
        if not self.framework:
            return self.facts
        calls = list(module_level_calls(self.tree, self.index))
        registered: dict[str, tuple[ast.Call, str]] = {}
        for call, path, view in registrations(iter(calls), self.catalog.route_registrations):
            view = routed_view(view)
            if isinstance(view, ast.Name) and view.id in self.module_functions:
                registered.setdefault(view.id, (call, path))
            elif isinstance(view, (ast.Name, ast.Attribute)) and (qualified := self.names.of(view)):
                if qualified in self.catalog.framework_views:
                    self._framework_view(call, path, qualified)
                else:
                    self.facts.routes_elsewhere.append((qualified, path))
            elif isinstance(view, ast.Call) and called_name(view.func) == "include" and view.args and isinstance(
                    view.args[0], ast.Constant) and view.args[0].value in self.catalog.framework_urls:
                # `path("accounts/", include("django.contrib.auth.urls"))`: Django's login and reset views.
                for sub_path, framework_view in self.catalog.framework_urls[view.args[0].value].items():
                    self._framework_view(call, path + sub_path, framework_view)
        views_module = bool(self.catalog.view_module.search(self.file.path))
        for node in definitions(self.tree):
            if isinstance(node, ast.ClassDef):
                self._class_view(node)
                continue
            routes = [(d, p) for d in node.decorator_list if (p := route_path(d, self.catalog.route_decorators)) is not None]
            if routes:
                for decorator, path in routes:
                    self._add(node, path, route_methods(decorator), node.decorator_list)
            elif node.name in registered:
                call, path = registered[node.name]
                self._add(node, path, route_methods(call), node.decorator_list)
            elif node in self.module_functions.values() and self._is_django_view(node, views_module):
                self._add(node, "", (), node.decorator_list, qualified=f"{self.module}.{node.name}")
        return self.facts

    def _is_django_view(self, function: Function, views_module: bool) -> bool:
        return self.framework in ("django", "drf") and is_view_function(
            function, self.catalog.request_parameters, self.catalog.view_decorators, views_module)

    def _class_view(self, cls: ast.ClassDef) -> None:
        if not cls.bases:
            return
        if not any(
            isinstance(i, FUNCTIONS) and (i.name in self.catalog.view_methods or i.decorator_list) for i in cls.body
        ):
            # A model, a form, a serializer; or a subclass of a framework's login view that keeps its `post`.
            if self.framework in ("django", "drf") and self.catalog.framework_views and (
                    framework_view := next((q for b in cls.bases if (q := self.names.of(b)) in self.catalog.framework_views),
                                           None)):
                self._framework_view(cls, "", framework_view, name=cls.name, qualified=f"{self.module}.{cls.name}")
            return
        bases = [self.names.of(b) or self._written(b) for b in cls.bases]
        drf = any(self.catalog.drf_bases.search(b) for b in bases)
        guards = [g for d in cls.decorator_list if (g := self._decorator_guard(d)) is not None]
        for item in cls.body:
            if not isinstance(item, ast.Assign) or _empty(item.value):
                continue
            targets = {t.id for t in item.targets if isinstance(t, ast.Name)}
            # DRF `throttle_classes = [...]`; Flask MethodView and Flask-RESTful
            # `decorators = [limiter.limit("5/minute")]`.
            if targets & self.catalog.throttle_attributes or (
                    "decorators" in targets and self.catalog.limit_name.search(self._written(item.value))):
                guards.append(Guard(RATE_LIMIT, f"`{self._written(item)}`", item.lineno))
        if any(b.startswith(m + ".") for b in bases for m in self.catalog.limited_view_modules):
            guards.append(Guard(RATE_LIMIT, f"the built-in limits of {bases[0].split('.')[0]}", cls.lineno))
        # `class UsersAdmin(BaseAdminController)`, `user = Depends(get_admin_user)` in the class.
        admitting = [*bases, *(self._written(i.value) for i in cls.body if isinstance(i, ast.AnnAssign) and i.value)]
        if any(self.catalog.admin_only.search(b) for b in admitting):
            guards.append(Guard(ADMIN_ONLY, f"class {cls.name}", cls.lineno))
        for item in cls.body:
            if not isinstance(item, FUNCTIONS):
                continue
            routes = [(d, p) for d in item.decorator_list if (p := route_path(d, self.catalog.route_decorators)) is not None]
            if routes:  # a Flask-Classful, DRF `@action` or Litestar controller method
                for decorator, path in routes:
                    self._add(item, path, route_methods(decorator), item.decorator_list, cls=cls, extra=guards,
                              framework="drf" if drf else None)
            elif item.name in self.catalog.view_methods and self.framework in ("django", "drf", "flask", "starlette"):
                method = "POST" if item.name == "create" else item.name.upper()
                self._add(item, "", (method,), item.decorator_list, cls=cls, extra=guards,
                          qualified=f"{self.module}.{cls.name}", framework="drf" if drf else None)

    def _add(self, function: Function, path: str, methods: tuple[str, ...], decorators: list[ast.expr], *,
             cls: ast.ClassDef | None = None, extra: list[Guard] | tuple[Guard, ...] = (), qualified: str = "",
             framework: str | None = None) -> None:
        guards = list(extra)
        opts_out: tuple[str, ...] = ()
        for decorator in decorators:
            if isinstance(decorator, ast.Attribute) and decorator.attr == "exempt":
                opts_out = (RATE_LIMIT,)  # Flask-Limiter `@limiter.exempt`
            elif (guard := self._decorator_guard(decorator)) is not None:
                guards.append(guard)
        defaults = [*function.args.defaults, *function.args.kw_defaults]
        annotations = [a.annotation for a in [*function.args.args, *function.args.kwonlyargs] if a.annotation]
        for default in [*defaults, *annotations]:
            if default is not None and (guard := self._guard_in(self._written(default), default.lineno)) is not None:
                guards.append(guard)
        calls: list[str] = []
        delegates: list[Delegate] = []
        reads = False
        for reached in self._reached(function, cls):
            summary = self._summary(reached)
            reads = reads or summary.reads
            guards.extend(summary.guards)
            calls.extend(summary.calls[:max(MAX_CALLS - len(calls), 0)])
            delegates.extend(summary.delegates)
        reads = reads or any(called_name(d.func if isinstance(d, ast.Call) else d) == "require_POST" for d in decorators)
        line = function.lineno
        column = self.file.char_column(line, function.col_offset)
        start = self.file.line(line).find(function.name, column - 1)
        span = Span(line, start + 1 if start >= 0 else column, line,
                    start + 1 + len(function.name) if start >= 0 else column)
        if framework is None:
            framework = self.framework
            if framework == "django" and any(
                called_name(d.func if isinstance(d, ast.Call) else d) in self.catalog.drf_decorators for d in decorators
            ):
                framework = "drf"
        self.facts.endpoints.append(Endpoint(
            path, methods, f"{cls.name}.{function.name}" if cls else function.name, span, framework,
            tuple(dict.fromkeys(calls)), tuple(guards), tuple(dict.fromkeys(delegates)), qualified=qualified,
            opts_out=opts_out,
            reads_body=reads or bool(methods),
        ))

    def _summary(self, function: Function) -> "_FunctionSummary":
        """What one function does that an endpoint reaching it inherits, read once however
        many endpoints reach it (a helper shared by a module's views)."""
        key = id(function)
        if key in self._summaries:
            return self._summaries[key]
        summary = _FunctionSummary(bool(READS_SUBMISSION_RE.search(self.file.segment(function))))
        body_start = (function.body[0].lineno, function.body[0].col_offset)
        for node in self.index.scope(function):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                # `except UserLockedOut:`: something it calls limits attempts.
                if self.catalog.limit_name.search(caught := self._written(node.type)):
                    summary.guards.append(Guard(RATE_LIMIT, f"the `{caught}` it handles", node.lineno))
            elif isinstance(node, ast.Call) and (node.lineno, node.col_offset) >= body_start:  # not a decorator's
                written = self._written(node.func)
                qualified_call = self.names.of(node.func)
                if (paid := self._caller_pays(node, qualified_call)) is not None:
                    summary.guards.append(paid)
                if self.catalog.limit_name.search(written):
                    summary.guards.append(Guard(RATE_LIMIT, f"`{written}(...)`", node.lineno))
                if len(summary.calls) < MAX_CALLS:
                    summary.calls.append(written)
                    if qualified_call and qualified_call != written:
                        summary.calls.append(qualified_call)
                if qualified_call and (delegate := self._delegate(qualified_call)) is not None:
                    summary.delegates.append(delegate)
        self._summaries[key] = summary
        return summary

    def _written(self, node: ast.expr) -> str:
        """An expression as written, on one line: its source text, not `ast.unparse`, which
        recurses and fails on a long attribute chain."""
        return " ".join(self.file.segment(node).split())[:MAX_WRITTEN]

    def _caller_pays(self, call: ast.Call, qualified: str | None) -> Guard | None:
        """`OpenAI(api_key=user.openai_key)` in the handler: the caller's own key pays."""
        if qualified not in self.catalog.paid_clients:
            return None
        key = next((k.value for k in call.keywords if k.arg == "api_key"), None)
        if key is None or self.catalog.server_key.search(written := self._written(key)):
            return None
        return Guard(CALLER_PAYS, f"the caller's own key (`{written}`)", call.lineno, ("AI generation",))

    def _delegate(self, qualified: str) -> Delegate | None:
        """A function or class of another module of this project (same top-level
        package) the handler calls: `forms.LoginForm(...)` whose `clean()` limits."""
        module, _, name = qualified.rpartition(".")
        package = self.module.split(".")[0]
        if not module or module == self.module or module.split(".")[0] != package:
            return None
        return Delegate(module, name)

    def _guarding_definitions(self) -> None:
        """Module-level functions and classes whose code calls a limiter: the
        endpoints of other modules that call them are limited."""
        for node in self.tree.body:
            if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
                continue
            for call in (n for n in self.index.walk(node) if isinstance(n, ast.Call)):
                written = self._written(call.func)
                if self.catalog.limit_name.search(written):
                    self.facts.guarding_functions[node.name] = Guard(
                        RATE_LIMIT, f"`{written}(...)` in {self.file.path}", call.lineno)
                    break

    def _framework_view(self, node: ast.AST, path: str, framework_view: str, *, name: str = "",
                        qualified: str = "") -> None:
        """A framework's own credential-checking view, routed here (`path("login/", LoginView.as_view())`)
        or subclassed (`class Login(LoginView)`): its `post` is the framework's."""
        line = node.lineno
        column = self.file.char_column(line, node.col_offset)
        self.facts.endpoints.append(Endpoint(
            path, (), name or framework_view.rsplit(".", 1)[-1], Span(line, column, line, column), "django",
            (framework_view,), qualified=qualified,
        ))

    def _decorator_guard(self, decorator: ast.expr) -> Guard | None:
        return self._guard_in(f"@{self._written(decorator)}", decorator.lineno)

    def _guard_in(self, written: str, line: int) -> Guard | None:
        """A decorator or dependency that limits (`@limiter.limit(...)`,
        `Depends(RateLimiter(...))`) or admits administrators only."""
        if self.catalog.limit_name.search(written):
            return Guard(RATE_LIMIT, f"`{written}`", line)
        if self.catalog.admin_only.search(written):
            return Guard(ADMIN_ONLY, f"`{written}`", line)
        return None

    def _reached(self, function: Function, cls: ast.ClassDef | None) -> list[Function]:
        """The function and the functions of this module (methods of its class) it calls, transitively."""
        reached = [function]
        index = 0
        while index < len(reached):
            for call in (n for n in self.index.scope(reached[index]) if isinstance(n, ast.Call)):
                func = call.func
                callee = None
                if isinstance(func, ast.Name):
                    callee = self.module_functions.get(func.id)
                elif cls is not None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                        func.value.id in ("self", "cls")):
                    callee = next((i for i in cls.body if isinstance(i, FUNCTIONS) and i.name == func.attr), None)
                if callee is not None and callee not in reached:
                    reached.append(callee)
            index += 1
        return reached

    # ------------------------------------------------------------ many endpoints at once

    def _area_guards(self) -> None:
        text = self.file.text
        catalog = self.catalog
        for setting in catalog.default_limit_settings:
            if setting in text and re.search(rf"""\b{setting}\b['"]?\s*[\]:=]""", text):
                self._area(f"`{setting}`", self._line_of(setting), ("flask",))
        if any(keyword in text for keyword in catalog.default_limit_keywords):
            for call in self.index.of_type(ast.Call):
                if self.names.of(call.func) in catalog.limiter_factories and any(
                    k.arg in catalog.default_limit_keywords and not _empty(k.value)
                    for k in call.keywords
                ):
                    self._area(f"the Limiter's `default_limits` ({self.file.path}:{call.lineno})", call.lineno,
                               ("flask", "fastapi", "starlette"))
        if ")(" in text:
            # Flask-Limiter on a whole blueprint: `limiter.limit("10/minute")(auth)`.
            for call in self.index.of_type(ast.Call):
                if isinstance(call.func, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and (
                        catalog.limit_name.search(self._written(call.func.func))):
                    guard = Guard(RATE_LIMIT, f"`{self._written(call.func.func)}(...)({call.args[0].id})` "
                                              f"({self.file.path}:{call.lineno})", call.lineno)
                    self.facts.area_guards.append(AreaGuard(guard, self.file.path, ("flask",), self.file.path))
        if "add_middleware" in text:
            # Starlette/FastAPI `app.add_middleware(SlowAPIMiddleware)`, `app.add_middleware(rate_limit.middleware, ...)`.
            for call in self.index.of_type(ast.Call):
                if called_name(call.func) == "add_middleware" and call.args and catalog.limit_name.search(
                        written := self._written(call.args[0])):
                    self._area(f"`add_middleware({written})` ({self.file.path}:{call.lineno})", call.lineno,
                               ("fastapi", "starlette"))
        if catalog.throttle_setting and catalog.throttle_setting in text:
            for node in self.index.of_type(ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and key.value == catalog.throttle_setting and not _empty(value):
                        self._area(f"DRF's `{catalog.throttle_setting}` ({self.file.path}:{key.lineno})", key.lineno,
                                   ("drf",))
        if "INSTALLED_APPS" in text:
            for node in self.index.of_type(ast.Constant):
                if isinstance(node.value, str) and node.value in catalog.login_limiting_apps:
                    self._area(f"{node.value} in INSTALLED_APPS ({self.file.path}:{node.lineno})", node.lineno,
                               ("django", "drf"), covers=("authentication",))
                    break

    def _area(self, label: str, line: int, frameworks: tuple[str, ...], covers: tuple[str, ...] = ()) -> None:
        self.facts.area_guards.append(AreaGuard(Guard(RATE_LIMIT, label, line, covers), self.file.path, frameworks))

    def _line_of(self, word: str) -> int:
        return self.file.text.count("\n", 0, self.file.text.find(word)) + 1
