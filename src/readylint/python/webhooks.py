"""Webhook handlers in one module: which functions receive a provider's
webhook, which provider, whether they verify its signature, what side effects
they have and whether they deduplicate deliveries.

What a route, a provider, a signature check or a side effect is comes from
catalog data (`WebhookSpec` from RL302's catalog, shared by RL301;
`EffectSpec` from RL301's catalog plus RL101's outbound calls and RL201's
data-access model); this module applies it to the shared `ast` tree:

    @app.post("/webhooks/stripe")            a route whose path says webhook
    def stripe_webhook():                    -> a handler
        event = stripe.Webhook.construct_event(...)   -> verified (Stripe)
        Order.objects.create(...)            -> a side effect (database write)

Handlers are found by route registration in the module (Flask `route`/`post`/
`add_url_rule`, FastAPI/Starlette `post`/`api_route`/`Route`, Django `path`
in the same file), by name for Django and DRF views (a function taking
`request`, a class whose name says webhook), and by calling a provider's
verification function. Django `urls.py` entries that point into other modules
are not followed: a view whose own name does not say webhook is not seen.

Side effects are followed into functions of the same module (and methods of
the same class) called by the handler, to any depth; calls into other
modules are not followed.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from readylint.catalog import Catalog
from readylint.discovery import matches_skip_paths
from readylint.python.dataaccess import (
    Access,
    DataAccess,
    DataAccessSpec,
    call_label,
)
from readylint.python.localflow import FUNCTIONS
from readylint.python.names import QualifiedNames, module_name_of
from readylint.python.objects import ObjectFlow
from readylint.python.routes import (
    definitions,
    is_view_function,
    module_level_calls,
    registrations,
    route_path,
    routed_view,
)
from readylint.python.tree import TreeIndex
from readylint.sources import SourceFile

Function = ast.FunctionDef | ast.AsyncFunctionDef

# An update that adds to what is there: repeating it adds again.
ACCUMULATES_RE = re.compile(r"\bF\(|\+=|-=")
REPEATABLE_SQL_RE = re.compile(r"\s*(?:UPDATE|DELETE)\b", re.IGNORECASE)
ACCUMULATES_SQL_RE = re.compile(r"(\w+)\s*=\s*\1\s*[-+]", re.IGNORECASE)

DATABASE_WRITE = "database write"
OUTBOUND_CALL = "outbound call"
EMAIL = "email"
TASK = "task enqueue"


def _strings(data: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in data or ())


def _regex(data: Any, default: str = r"(?!)") -> re.Pattern[str]:
    return re.compile(str(data) if data else default)


@dataclass(frozen=True)
class Provider:
    name: str
    markers: tuple[str, ...]  # words in imports, paths and handler names (lowercase)
    signature_headers: tuple[str, ...]
    verify_calls: tuple[str, ...]  # qualified names
    verify_with: str  # the call a message recommends
    event_id: str  # how a message names the event id
    id_headers: tuple[str, ...]

    def header_forms(self) -> set[str]:
        """Header names as written in code: `X-Hub-Signature-256` and Django's
        `HTTP_X_HUB_SIGNATURE_256`, lowercased."""
        return {form for header in self.signature_headers for form in _header_forms(header)}


def _header_forms(header: str) -> set[str]:
    return {header.lower(), "http_" + header.lower().replace("-", "_")}


@dataclass(frozen=True)
class WebhookSpec:
    """Handler discovery and provider knowledge (RL302's catalog, read by RL301 too)."""

    route_decorators: frozenset[str]
    route_registrations: frozenset[str]
    request_parameters: frozenset[str]
    request_objects: frozenset[str]  # module-level requests: `flask.request`
    view_methods: frozenset[str]
    view_decorators: frozenset[str]
    view_module: re.Pattern[str]
    not_handler_name: re.Pattern[str]
    not_handler_base: re.Pattern[str]
    capability_annotations: frozenset[str]
    skip_paths: tuple[str, ...]
    prefilter_words: tuple[str, ...]
    routed_frameworks: re.Pattern[str]
    strong_name: re.Pattern[str]
    weak_name: re.Pattern[str]
    not_webhook: re.Pattern[str]
    body_attributes: frozenset[str]
    body_parameters: frozenset[str]  # FastAPI `Body`, or a body annotation
    providers: tuple[Provider, ...]
    generic_verify_calls: frozenset[str]
    verify_methods: frozenset[str]
    verify_name: re.Pattern[str]
    secret_word: re.Pattern[str]
    not_verification: frozenset[str]
    generic_verify_with: str

    @classmethod
    def from_catalog(cls, catalog: dict[str, Any]) -> WebhookSpec:
        handlers = catalog.get("handlers") or {}
        verification = catalog.get("verification") or {}
        providers = tuple(
            Provider(
                name=str(entry["name"]),
                markers=tuple(m.lower() for m in _strings(entry.get("markers"))),
                signature_headers=_strings(entry.get("signature_headers")),
                verify_calls=_strings(entry.get("verify_calls")),
                verify_with=str(entry.get("verify_with") or verification.get("generic_verify_with") or ""),
                event_id=str(entry.get("event_id") or "the event id"),
                id_headers=_strings(entry.get("id_headers")),
            )
            for entry in catalog.get("providers") or () if isinstance(entry, dict) and entry.get("name")
        )
        return cls(
            route_decorators=frozenset(_strings(handlers.get("route_decorators"))),
            route_registrations=frozenset(_strings(handlers.get("route_registrations"))),
            request_parameters=frozenset(_strings(handlers.get("request_parameters"))),
            request_objects=frozenset(_strings(handlers.get("request_objects"))),
            view_methods=frozenset(_strings(handlers.get("view_methods"))),
            view_decorators=frozenset(_strings(handlers.get("view_decorators"))),
            view_module=_regex(handlers.get("view_module")),
            not_handler_name=_regex(handlers.get("not_handler_name")),
            not_handler_base=_regex(handlers.get("not_handler_base")),
            capability_annotations=frozenset(_strings(verification.get("capability_annotations"))),
            skip_paths=_strings(handlers.get("skip_paths")),
            prefilter_words=_strings(handlers.get("prefilter_words")),
            routed_frameworks=_regex(handlers.get("routed_frameworks")),
            strong_name=_regex(handlers.get("strong_name")),
            weak_name=_regex(handlers.get("weak_name")),
            not_webhook=_regex(handlers.get("not_webhook")),
            body_attributes=frozenset(_strings(handlers.get("body_attributes"))),
            body_parameters=frozenset(_strings(handlers.get("body_parameters"))),
            providers=providers,
            generic_verify_calls=frozenset(_strings(verification.get("calls"))),
            verify_methods=frozenset(_strings(verification.get("methods"))),
            verify_name=_regex(verification.get("function_name")),
            secret_word=_regex(verification.get("secret_word")),
            not_verification=frozenset(_strings(verification.get("not_verification"))),
            generic_verify_with=str(verification.get("generic_verify_with") or ""),
        )

    @cached_property
    def verify_calls(self) -> frozenset[str]:
        return self.generic_verify_calls | {c for p in self.providers for c in p.verify_calls}

    @cached_property
    def id_header_forms(self) -> frozenset[str]:
        """Providers' delivery-id headers as written in code, lowercased."""
        return frozenset(form for p in self.providers for header in p.id_headers for form in _header_forms(header))

    @cached_property
    def provider_verify_calls(self) -> frozenset[str]:
        return frozenset(c for p in self.providers for c in p.verify_calls)

    @cached_property
    def signature_header_forms(self) -> frozenset[str]:
        return frozenset(form for p in self.providers for form in p.header_forms())

    @cached_property
    def prefilter(self) -> tuple[str, ...]:
        """Lowercase words one of which a file with a handler contains."""
        words = {w.lower() for w in self.prefilter_words}
        words |= {m for p in self.providers for m in p.markers}
        words |= {c.rsplit(".", 1)[-1].lower() for c in self.provider_verify_calls}
        return tuple(sorted(words))


@dataclass(frozen=True)
class EffectSpec:
    """What a side effect is (RL301's catalog, RL101's calls, RL201's writes)."""

    data_access: DataAccessSpec
    outbound_calls: frozenset[str]
    client_factories: frozenset[str]
    client_methods: frozenset[str]
    sdk_modules: frozenset[str]
    sdk_methods: frozenset[str]
    email_calls: frozenset[str]
    mailers: frozenset[str]  # EmailMessage, smtplib.SMTP: objects whose methods send
    mail_methods: frozenset[str]
    email_methods: frozenset[str]  # `notifier.send_email(...)`, whatever the receiver
    enqueue_methods: frozenset[str]
    enqueue_calls: frozenset[str]
    # Writes that leave the same state when repeated (`update(status="paid")`, `delete()`).
    repeatable_writes: frozenset[str]

    @classmethod
    def from_catalogs(cls, own: dict[str, Any], outbound: dict[str, Any], data_access: dict[str, Any]) -> EffectSpec:
        effects = own.get("effects") or {}
        clients = [c for c in outbound.get("clients") or () if isinstance(c, dict)]
        sdk = effects.get("sdk_writes") or {}
        email = effects.get("email") or {}
        tasks = effects.get("tasks") or {}
        return cls(
            data_access=DataAccessSpec.from_catalog(data_access),
            outbound_calls=frozenset(
                name for entry in outbound.get("calls") or () if isinstance(entry, dict)
                for name in _strings(entry.get("names"))
            ) - frozenset(_strings(effects.get("not_outbound"))),
            client_factories=frozenset(f for c in clients for f in _strings(c.get("factories"))),
            client_methods=frozenset(m for c in clients for m in _strings(c.get("methods"))),
            sdk_modules=frozenset(_strings(sdk.get("modules"))),
            sdk_methods=frozenset(_strings(sdk.get("methods"))),
            email_calls=frozenset(_strings(email.get("calls"))),
            mailers=frozenset(_strings(email.get("objects"))),
            mail_methods=frozenset(_strings(email.get("methods"))),
            email_methods=frozenset(_strings(email.get("any_receiver_methods"))),
            enqueue_methods=frozenset(_strings(tasks.get("methods"))),
            enqueue_calls=frozenset(_strings(tasks.get("calls"))),
            repeatable_writes=frozenset(_strings(effects.get("repeatable_writes"))),
        )


@dataclass(frozen=True)
class DedupSpec:
    """What deduplicates a delivery (RL301's catalog `deduplication`)."""

    event_id: re.Pattern[str]  # source text that names an event or delivery id
    guard_word: re.Pattern[str]  # `if already_processed(...)`: a guard by its words
    function_name: re.Pattern[str]  # a call whose name says it deduplicates
    created_methods: frozenset[str]  # get_or_create, update_or_create
    unique_errors: frozenset[str]  # last names: IntegrityError, UniqueViolation
    conflict_methods: frozenset[str]  # on_conflict_do_nothing
    conflict_keywords: frozenset[str]  # ignore_conflicts=True
    conflict_sql: re.Pattern[str]
    cache_add_methods: frozenset[str]  # cache.add(key, ...)
    cache_receiver: re.Pattern[str]
    set_if_absent_keywords: frozenset[str]  # redis.set(key, 1, nx=True)

    @classmethod
    def from_catalog(cls, catalog: dict[str, Any]) -> DedupSpec:
        dedup = catalog.get("deduplication") or {}
        return cls(
            event_id=_regex(dedup.get("event_id")),
            guard_word=_regex(dedup.get("guard_word")),
            function_name=_regex(dedup.get("function_name")),
            created_methods=frozenset(_strings(dedup.get("created_flag_methods"))),
            unique_errors=frozenset(_strings(dedup.get("unique_violation_errors"))),
            conflict_methods=frozenset(_strings(dedup.get("conflict_methods"))),
            conflict_keywords=frozenset(_strings(dedup.get("conflict_keywords"))),
            conflict_sql=_regex(dedup.get("conflict_sql")),
            cache_add_methods=frozenset(_strings(dedup.get("cache_add_methods"))),
            cache_receiver=_regex(dedup.get("cache_receiver")),
            set_if_absent_keywords=frozenset(_strings(dedup.get("set_if_absent_keywords"))),
        )


@dataclass(frozen=True)
class Deduplication:
    """How a handler deduplicates, or the get_or_create that looks like it but is not."""

    how: str | None  # "a unique insert with IntegrityError handled", None: none found
    ignored_created: ast.Call | None = None  # get_or_create keyed on the event id, flag ignored


@dataclass(frozen=True)
class Effect:
    kind: str
    label: str  # `Order.objects.create()`
    line: int  # where it happens (possibly inside a called function)
    # The task runs in another module: its own effects (and deduplication) are not seen.
    remote_task: bool = False

    def describe(self) -> str:
        return f"{self.kind} {self.label} (line {self.line})"


@dataclass
class Handler:
    function: Function
    name: str  # `stripe_webhook`, `StripeWebhookView.post`
    route: str  # the path when registered in this module
    cls: ast.ClassDef | None = None
    reached: list[Function] = field(default_factory=list)  # itself and same-module callees

    def name_span(self, file: SourceFile) -> tuple[int, int, int]:
        """Where findings point: `def name` (line, first and last column, 1-based)."""
        line = self.function.lineno
        column = file.char_column(line, self.function.col_offset)
        text = file.line(line)
        start = text.find(self.function.name, column - 1)
        return line, column, (start + len(self.function.name) + 1) if start >= 0 else column


class WebhookModule:
    """The webhook handlers of one module and the facts rules judge them by.

        module = WebhookModule(file, spec, effect_spec)
        for handler in module.handlers():
            module.provider(handler), module.verifies(handler), module.effects(handler)
    """

    def __init__(self, file: SourceFile, spec: WebhookSpec, effects: EffectSpec | None = None):
        self.file = file
        self.tree: ast.Module = file.python.tree
        self.index: TreeIndex = file.tree_index
        self.spec = spec
        self.effect_spec = effects
        self.module_functions: dict[str, Function] = {
            node.name: node for node in self.tree.body if isinstance(node, FUNCTIONS)
        }
        self.imports_text = " ".join(
            ast.unparse(node).lower() for node in self.tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
        )

    @cached_property
    def data(self) -> DataAccess:
        """The data-access model (and the file's qualified names), built only
        for a module that has a handler candidate."""
        return DataAccess.for_file(self.file, self.effect_spec.data_access if self.effect_spec else DataAccessSpec())

    @cached_property
    def names(self) -> QualifiedNames:
        return self.data.names

    # ------------------------------------------------------------ discovery

    def handlers(self) -> list[Handler]:
        return list(self._handlers)

    @cached_property
    def _handlers(self) -> tuple[Handler, ...]:
        found: dict[Function, Handler] = {}
        registered = self._registered_in_module()
        for node in definitions(self.tree):
            if isinstance(node, ast.ClassDef):
                for handler in self._class_handlers(node):
                    found.setdefault(handler.function, handler)
            else:
                handler = self._function_handler(node, registered.get(node.name))
                if handler:
                    found.setdefault(node, handler)
        for handler in found.values():
            handler.reached = self._reached(handler.function, handler.cls)
        return tuple(sorted(found.values(), key=lambda h: h.function.lineno))

    def routes_to_other_modules(self) -> list[tuple[str, str]]:
        """Django `path("webhooks/stripe/", views.receive)` (or `re_path`, `url`,
        `View.as_view()`) to a view of another module: (qualified view, path)."""
        found = []
        for call, path, view in registrations(self._module_level_calls(), self.spec.route_registrations):
            if len(call.args) < 2 or view is not call.args[1]:
                continue  # only the view passed second: `path("hook/", views.receive)`
            if self.spec.not_webhook.search(path) or not self._is_webhook_name(path, call):
                continue
            view = routed_view(view)
            qualified = self.names.of(view) if isinstance(view, (ast.Name, ast.Attribute)) else None
            if qualified and not (isinstance(view, ast.Name) and view.id in self.module_functions):
                found.append((qualified, path))
        return found

    def unrouted_views(self) -> list[tuple[str, Handler]]:
        """Views of this module not found as handlers, by qualified name: a
        function taking `request`, a class's POST methods. A route in another
        module may make them handlers."""
        if not self.spec.routed_frameworks.search(self.imports_text):
            return []  # only Django routes views from another module's urls.py
        known = {h.function for h in self.handlers()}
        views: list[tuple[str, Handler]] = []
        for node in self.tree.body:
            if isinstance(node, FUNCTIONS) and node not in known and node.args.args and (
                node.args.args[0].arg in self.spec.request_parameters
            ):
                views.append((f"{self.names_module}.{node.name}", Handler(node, node.name, "")))
            elif isinstance(node, ast.ClassDef):
                views.extend(
                    (f"{self.names_module}.{node.name}", Handler(item, f"{node.name}.{item.name}", "", node))
                    for item in node.body
                    if isinstance(item, FUNCTIONS) and item.name in self.spec.view_methods and item not in known
                )
        for _, handler in views:
            handler.reached = self._reached(handler.function, handler.cls)
        return views

    def _is_webhook_name(self, text: str, node: ast.AST, *, name: bool = False) -> bool:
        """`text` (a path, or with `name` a function or class name) says webhook;
        weak words (callback, events, notify) only with a provider named in
        `text` or in `node`'s own source. Names of senders and of webhook
        administration (`trigger_webhook`, `create_webhook_endpoint`) do not count."""
        if not text or self.spec.not_webhook.search(text) or (name and self.spec.not_handler_name.search(text)):
            return False
        if self.spec.strong_name.search(text):
            return True
        return bool(self.spec.weak_name.search(text)) and self._provider_in(
            f"{text} {self._source(node)}", with_imports=False
        ) is not None

    def _function_handler(self, function: Function, registered_path: str | None) -> Handler | None:
        paths = [p for p in map(self._route_path, function.decorator_list) if p is not None]
        if registered_path is not None:
            paths.append(registered_path)
        for path in paths:
            # A path that says OAuth or login wins over the function's name.
            if not self.spec.not_webhook.search(path) and (
                self._is_webhook_name(path, function) or self._is_webhook_name(function.name, function, name=True)
            ):
                return Handler(function, function.name, path)
        if paths:
            return None
        if self._is_django_view(function) and self._is_webhook_name(function.name, function, name=True):
            return Handler(function, function.name, "")
        if self._calls_provider_verification(function):
            handler = Handler(function, function.name, "")
            handler.reached = [function]
            return handler if self.reads_body(handler) else None
        return None

    def _is_django_view(self, function: Function) -> bool:
        return is_view_function(function, self.spec.request_parameters, self.spec.view_decorators,
                                bool(self.spec.view_module.search(self.file.path)))

    def _class_handlers(self, cls: ast.ClassDef) -> Iterator[Handler]:
        methods = [item for item in cls.body if isinstance(item, FUNCTIONS)]
        if not any(m.name in self.spec.view_methods or m.decorator_list for m in methods):
            return
        named = self._is_webhook_name(cls.name, cls, name=True) and not any(
            self.spec.not_handler_base.search(ast.unparse(base)) for base in cls.bases
        )
        for item in methods:
            routed = any(self._route_path(d) is not None for d in item.decorator_list)
            if (named and item.name in self.spec.view_methods) or (
                routed and self._is_webhook_name(item.name, item, name=True)
            ) or (item.name in self.spec.view_methods and self._calls_provider_verification(item)):
                yield Handler(item, f"{cls.name}.{item.name}", "", cls)

    def _route_path(self, decorator: ast.expr) -> str | None:
        return route_path(decorator, self.spec.route_decorators)

    def _registered_in_module(self) -> dict[str, str]:
        """Functions registered by a call in this module: `add_url_rule("/hook",
        view_func=handle)`, `Route("/hook", handle)`, `path("hook/", handle)`."""
        found: dict[str, str] = {}
        for _, path, view in registrations(self._module_level_calls(), self.spec.route_registrations):
            if isinstance(view, ast.Name) and view.id in self.module_functions:
                found[view.id] = path
        return found

    def _module_level_calls(self) -> Iterator[ast.Call]:
        return module_level_calls(self.tree, self.index)

    def _reached(self, function: Function, cls: ast.ClassDef | None) -> list[Function]:
        """The function and the functions of this module it calls, transitively."""
        reached = [function]
        index = 0
        while index < len(reached):
            for call in self._calls(reached[index]):
                for callee in self._callees(call, cls):
                    if callee not in reached:
                        reached.append(callee)
            index += 1
        return reached

    def _callees(self, call: ast.Call, cls: ast.ClassDef | None) -> list[Function]:
        """What a call may run in this module: its callee, or for a dispatch by
        event type every candidate: `getattr(self, event.type)(...)` (the
        class's methods), `HANDLERS[event.type](...)` (the functions of a
        module-level dict)."""
        callee = self._callee(call, cls)
        if callee is not None:
            return [callee]
        func = call.func
        if (
            cls is not None and isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
            and func.func.id == "getattr" and func.args and isinstance(func.args[0], ast.Name)
            and func.args[0].id == "self"
        ):
            return [item for item in cls.body if isinstance(item, FUNCTIONS) and not item.name.startswith("__")]
        target = func.func if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) else func
        if isinstance(target, ast.Attribute) and target.attr == "get":
            target = target.value  # HANDLERS.get(event.type)(...)
        if isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name) and target.id in self.dispatch_tables:
            return self.dispatch_tables[target.id]
        return []

    @cached_property
    def dispatch_tables(self) -> dict[str, list[Function]]:
        """Module-level dicts whose values are functions of this module."""
        tables: dict[str, list[Function]] = {}
        for node in self.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                functions = [self.module_functions[v.id] for v in node.value.values
                             if isinstance(v, ast.Name) and v.id in self.module_functions]
                if functions:
                    tables.update({t.id: functions for t in targets if isinstance(t, ast.Name)})
        return tables

    def _callee(self, call: ast.Call, cls: ast.ClassDef | None) -> Function | None:
        """The function of this module (or method of `cls`) a call runs, or the
        task function a Celery/RQ enqueue of a same-module task will run."""
        func = call.func
        if isinstance(func, ast.Attribute) and self.effect_spec and func.attr in self.effect_spec.enqueue_methods:
            func = func.value
        if isinstance(func, ast.Name) and func.id in self.module_functions:
            scope = self.names.binding_scope(func)
            if scope is not None and scope.parent is None:  # the module's own def, not a local
                return self.module_functions[func.id]
        if (
            cls is not None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            return next((i for i in cls.body if isinstance(i, FUNCTIONS) and i.name == func.attr), None)
        return None

    # ------------------------------------------------------------ providers

    def provider(self, handler: Handler) -> Provider | None:
        text = " ".join(self._source(f) for f in handler.reached)
        return self._provider_in(f"{handler.route} {handler.name} {text}", with_imports=True)

    def _provider_in(self, text: str, with_imports: bool = True) -> Provider | None:
        lowered = text.lower()
        for provider in self.spec.providers:
            if any(form in lowered for form in provider.header_forms()):
                return provider
        for haystack in (lowered, self.imports_text if with_imports else ""):
            for provider in self.spec.providers:
                if any(re.search(rf"(?<![a-z]){re.escape(m)}", haystack) for m in provider.markers):
                    return provider
        return None

    # ------------------------------------------------------------ verification

    def _calls_provider_verification(self, function: Function) -> bool:
        """Calls a provider's own verification (`stripe.Webhook.construct_event`;
        not a bare `hmac.new`, which senders call too)."""
        if not self._mentions_provider_verification:
            return False
        return any(self.names.of(c.func) in self.spec.provider_verify_calls for c in self._calls(function))

    @cached_property
    def _mentions_provider_verification(self) -> bool:
        return any(name.rsplit(".", 1)[-1] in self.file.text for name in self.spec.provider_verify_calls)

    def verifies(self, handler: Handler) -> bool:
        """The handler, a function it calls, its decorators or its class check a
        signature or shared secret (or authenticate the caller)."""
        if any(self._decorator_verifies(d) for d in handler.function.decorator_list):
            return True
        if handler.cls is not None and self._class_verifies(handler.cls):
            return True
        if self._parameters_verify(handler.function):
            return True
        return any(self._function_verifies(f) for f in handler.reached)

    def _decorator_verifies(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if self._name_verifies(target):
            return True
        # FastAPI `@router.post("/hook", dependencies=[Depends(verify_signature)])`.
        if isinstance(decorator, ast.Call):
            return any(
                k.arg == "dependencies" and self.spec.verify_name.search(ast.unparse(k.value))
                for k in decorator.keywords
            )
        return False

    def _name_verifies(self, node: ast.expr) -> bool:
        text = ast.unparse(node)
        return bool(self.spec.verify_name.search(text.rsplit(".", 1)[-1]))

    def _class_verifies(self, cls: ast.ClassDef) -> bool:
        """DRF authentication or permission classes, a verifying decorator or base,
        or a verifying `dispatch`/`initial` override."""
        for item in cls.body:
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("authentication_classes", "permission_classes")
                for t in item.targets
            ):
                value = ast.unparse(item.value)
                if value not in ("[]", "()") and "AllowAny" not in value:
                    return True
            if isinstance(item, FUNCTIONS) and item.name in ("dispatch", "initial", "setup") and any(
                self._function_verifies(f) for f in self._reached(item, cls)
            ):
                return True
        return any(self._name_verifies(d.func if isinstance(d, ast.Call) else d) for d in cls.decorator_list) or any(
            self._name_verifies(base) for base in cls.bases
        )

    def _parameters_verify(self, function: Function) -> bool:
        """FastAPI `x_hub_signature_256: str = Header(...)`, `Depends(verify)`."""
        arguments = [*function.args.args, *function.args.kwonlyargs]
        defaults = [*function.args.defaults, *function.args.kw_defaults]
        for arg in arguments:
            if self.spec.secret_word.search(arg.arg):
                return True
            # A random UUID in the path is a capability URL: only the provider knows it.
            if arg.annotation is not None and ast.unparse(arg.annotation) in self.spec.capability_annotations:
                return True
        return any(
            d is not None and isinstance(d, ast.Call) and self.spec.verify_name.search(ast.unparse(d))
            for d in defaults
        )

    def _function_verifies(self, function: Function) -> bool:
        for node in self.index.scope(function):
            if isinstance(node, ast.Call):
                qualified = self.names.of(node.func)
                if qualified in self.spec.verify_calls:
                    return True
                if qualified in self.spec.not_verification:
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr in self.spec.verify_methods:
                    return True
                if self._name_verifies(node.func):
                    # `self._validate_signature(...)`: subclasses may override
                    # an abstract one, so the name is what counts.
                    return True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.lower() in self.spec.signature_header_forms:
                    return True
            elif isinstance(node, ast.Compare):
                if self.spec.secret_word.search(ast.unparse(node)):
                    return True
        return False

    def construct_from(self, handler: Handler) -> ast.Call | None:
        """A call that only parses an event (`stripe.Event.construct_from`), to name in the message."""
        for function in handler.reached:
            for call in self._calls(function):
                if self.names.of(call.func) in self.spec.not_verification:
                    return call
        return None

    # ------------------------------------------------------------ the body

    def reads_body(self, handler: Handler) -> bool:
        """The handler reads the request's body: `request.body`, `request.get_json()`,
        `await request.json()`, `request.POST`, or a FastAPI body parameter."""
        if self._has_body_parameter(handler.function):
            return True
        return any(self._reads_body(function) for function in handler.reached)

    def _reads_body(self, function: Function) -> bool:
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]]
        requests = {p for p in params if p in self.spec.request_parameters} | {"request"}
        for node in self.index.scope(function):
            if isinstance(node, ast.Attribute) and node.attr in self.spec.body_attributes:
                value = node.value
                if isinstance(value, ast.Attribute) and value.attr == "_request":
                    value = value.value  # DRF's wrapped request
                if isinstance(value, ast.Name) and (
                    value.id in requests or self.names.of(value) in self.spec.request_objects
                ):
                    return True
                if (
                    isinstance(value, ast.Attribute) and value.attr == "request"
                    and isinstance(value.value, ast.Name) and value.value.id == "self"
                ):
                    return True
        return False

    def _has_body_parameter(self, function: Function) -> bool:
        arguments = [*function.args.args, *function.args.kwonlyargs]
        defaults = [None] * (len(function.args.args) - len(function.args.defaults)) + [
            *function.args.defaults, *function.args.kw_defaults,
        ]
        for arg, default in zip(arguments, defaults):
            if isinstance(default, ast.Call) and ast.unparse(default.func).rsplit(".", 1)[-1] in self.spec.body_parameters:
                return True
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            if annotation.split("[", 1)[0] in self.spec.body_parameters and default is None:
                return True
        return False

    # ------------------------------------------------------------ side effects

    def effects(self, handler: Handler, *, repeatable: bool = False) -> list[Effect]:
        """The side effects of the handler and the same-module functions it calls;
        with `repeatable`, also writes that repeating does not change."""
        found: list[Effect] = []
        for function in handler.reached:
            for effect in self._own_effects(function, self.data.class_of.get(function) or handler.cls, repeatable):
                if function is not handler.function:
                    effect = replace(effect, label=f"{effect.label} in {function.name}()")
                found.append(effect)
        return sorted(set(found), key=lambda e: (e.line, e.label))

    def _own_effects(self, function: Function, cls: ast.ClassDef | None, repeatable: bool) -> Iterator[Effect]:
        spec = self.effect_spec
        assert spec is not None, "effects need an EffectSpec"
        for access in self.data.writes_in(function):
            if repeatable or not self._repeatable(access, function):
                yield Effect(DATABASE_WRITE, access.label, access.line)
        for call in self._calls(function):
            qualified = self.names.of(call.func) or ""
            label = call_label(call)
            method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
            if qualified in spec.outbound_calls or (
                method in spec.client_methods and self._made_by(call.func.value, spec.client_factories)
            ) or (qualified.split(".")[0] in spec.sdk_modules and method in spec.sdk_methods):
                yield Effect(OUTBOUND_CALL, label, call.lineno)
            elif qualified in spec.email_calls or method in spec.email_methods or (
                method in spec.mail_methods and self._made_by(call.func.value, spec.mailers)
            ):
                yield Effect(EMAIL, label, call.lineno)
            elif qualified in spec.enqueue_calls or method in spec.enqueue_methods:
                remote = self._callee(call, cls) is None
                if remote:  # a same-module task's own effects are counted instead
                    yield Effect(TASK, label, call.lineno, remote_task=True)

    def _repeatable(self, access: Access, function: Function) -> bool:
        """A write whose repetition changes nothing: setting values (`update(status="paid")`,
        `delete()`, `save()` of a fetched row), unless something accumulates
        (`F("balance") + amount`, `user.credits += 10`) or the row is new
        (`Order(...).save()`, `INSERT`)."""
        if access.method in self.effect_spec.repeatable_writes:
            if ACCUMULATES_RE.search(ast.unparse(access.call)) or any(
                isinstance(n, ast.AugAssign) for n in self.index.scope(function)
            ):
                return False
            receiver = access.call.func.value if isinstance(access.call.func, ast.Attribute) else None
            return not (access.method == "save" and self._constructed_here(receiver, function))
        sql = _literal_sql(access.call.args[0]) if access.call.args else None
        return bool(sql) and REPEATABLE_SQL_RE.match(sql) is not None and not ACCUMULATES_SQL_RE.search(sql)

    def _constructed_here(self, receiver: ast.expr | None, function: Function) -> bool:
        """`order = Order(...)` in the function: `order.save()` inserts a row."""
        if not isinstance(receiver, ast.Name):
            return isinstance(receiver, ast.Call)
        for node in self.index.scope(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and any(
                isinstance(t, ast.Name) and t.id == receiver.id for t in node.targets
            ):
                callee = ast.unparse(node.value.func).rsplit(".", 1)[-1]
                if callee[:1].isupper():
                    return True
        return False

    def _made_by(self, receiver: ast.expr, factories: frozenset[str]) -> bool:
        """`receiver` holds an object one of `factories` made (`EmailMessage(...)`,
        `smtplib.SMTP(...)`, `requests.Session()`)."""
        flow = self._flows.get(factories)
        if flow is None:
            flow = self._flows[factories] = ObjectFlow(
                self.index, self.names, lambda call: self.names.of(call.func) in factories
            )
        return bool(flow.origins(receiver))

    @cached_property
    def _flows(self) -> dict[frozenset[str], ObjectFlow]:
        return {}

    # ------------------------------------------------------------ deduplication

    def deduplication(self, handler: Handler, spec: DedupSpec, dispatchers: frozenset[str]) -> Deduplication:
        ignored: ast.Call | None = None
        for function in handler.reached:
            for node in self.index.scope(function):
                how = self._deduplicates(node, function, spec, dispatchers)
                if how:
                    return Deduplication(how)
                if (
                    isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in spec.created_methods and ignored is None
                    and self._names_event_id(ast.unparse(node), spec)
                ):
                    ignored = node
        return Deduplication(None, ignored)

    def _deduplicates(self, node: ast.AST, function: Function, spec: DedupSpec,
                      dispatchers: frozenset[str]) -> str | None:
        if isinstance(node, ast.Call):
            func = node.func
            qualified = self.names.of(func) or ""
            method = func.attr if isinstance(func, ast.Attribute) else ""
            if qualified in dispatchers:
                return f"hands the event to {qualified}"
            if method in spec.created_methods and self._names_event_id(ast.unparse(node), spec):
                return "get_or_create on the event id" if self._created_flag_used(node, function) else None
            if method in spec.conflict_methods or any(
                k.arg in spec.conflict_keywords and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in node.keywords
            ):
                return "an insert that ignores conflicts"
            if method in spec.cache_add_methods and spec.cache_receiver.search(ast.unparse(func.value)):
                return "a cache add()"
            if any(k.arg in spec.set_if_absent_keywords for k in node.keywords):
                return "a set-if-absent"
            name = ast.unparse(func).rsplit(".", 1)[-1]
            if spec.function_name.search(name):
                return f"{name}()"
        elif isinstance(node, ast.Try):
            for handler in node.handlers:
                caught = ast.unparse(handler.type) if handler.type is not None else ""
                if any(re.search(rf"\b{re.escape(error)}\b", caught) for error in spec.unique_errors):
                    return "a unique insert whose violation is handled"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if spec.conflict_sql.search(node.value):
                return "an insert that ignores conflicts"
        elif isinstance(node, (ast.If, ast.While)) and _exits(node.body):
            test = ast.unparse(node.test)
            if spec.guard_word.search(test):
                return "an early return"
            looks_up = any(isinstance(n, ast.Call) or (
                isinstance(n, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in n.ops)
            ) for n in self.index.walk(node.test))
            if looks_up and self._names_event_id(test, spec):
                return "a lookup of the event id with an early return"
        return None

    def _names_event_id(self, text: str, spec: DedupSpec) -> bool:
        """Source text that names an event or delivery id (`event.id`,
        `request.headers["X-GitHub-Delivery"]`)."""
        lowered = text.lower()
        return bool(spec.event_id.search(text)) or any(header in lowered for header in self.spec.id_header_forms)

    def _created_flag_used(self, call: ast.Call, function: Function) -> bool:
        """`obj, created = X.get_or_create(...)` and `created` is tested."""
        for node in self.index.scope(function):
            if isinstance(node, ast.Assign) and node.value is call:
                target = node.targets[0]
                if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name):
                    flag = target.elts[1].id
                    return any(
                        isinstance(n, (ast.If, ast.IfExp, ast.While, ast.Assert, ast.BoolOp))
                        and any(isinstance(m, ast.Name) and m.id == flag for m in self.index.walk(
                            n.test if hasattr(n, "test") else n))
                        for n in self.index.scope(function)
                    )
        return False

    def passes_payload_on(self, handler: Handler) -> ast.Call | None:
        """A call that gives the body (or what was parsed from it) to a function
        of this project (same top-level package), which then acts on it."""
        package = self.names_module.split(".")[0]
        payload: set[str] = set()
        for node in sorted(
            (n for n in self.index.scope(handler.function) if isinstance(n, (ast.Assign, ast.Call))),
            key=lambda n: (n.lineno, n.col_offset),
        ):
            if isinstance(node, ast.Assign):
                if self._mentions_body(node.value, payload):
                    payload.update(t.id for t in node.targets if isinstance(t, ast.Name))
                continue
            qualified = self.names.of(node.func) or ""
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if qualified.split(".")[0] == package and package and any(
                self._mentions_body(a, payload) for a in arguments
            ):
                return node
        return None

    def _mentions_body(self, expr: ast.expr, payload: set[str]) -> bool:
        for node in self.index.walk(expr):
            if isinstance(node, ast.Name) and node.id in payload:
                return True
            if isinstance(node, ast.Attribute) and node.attr in self.spec.body_attributes:
                return True
        return False

    @cached_property
    def names_module(self) -> str:
        return module_name_of(self.file.path)

    # ------------------------------------------------------------ helpers

    def _calls(self, function: ast.AST) -> list[ast.Call]:
        return self.data.calls_in(function)

    def _source(self, node: ast.AST) -> str:
        return self.file.segment(node)


def _exits(body: list[ast.stmt]) -> bool:
    """A block that leaves: `return`, `raise`, `continue` (or aborts: `abort(409)`)."""
    for statement in body:
        if isinstance(statement, (ast.Return, ast.Raise, ast.Continue)):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            if ast.unparse(statement.value.func).rsplit(".", 1)[-1] == "abort":
                return True
    return False


@dataclass(frozen=True, eq=False)
class WebhookRules:
    """Everything both webhook rules read from the catalogs (RL302's handlers
    and providers, RL301's effects and deduplication, RL101's outbound calls,
    RL201's data access). Compared by identity: RL301 and RL302 share one
    (`for_catalog`), and with it each file's `WebhookModule`."""

    handlers: WebhookSpec
    effects: EffectSpec
    dedup: DedupSpec

    @classmethod
    @functools.lru_cache(maxsize=1)
    def for_catalog(cls, catalog: Catalog) -> WebhookRules:
        """The rules of a loaded catalog, built once per process: the catalogs
        of RL101, RL201, RL301 and RL302, as the user extended them, say what
        an outbound call, a database write and a webhook handler are."""
        return cls.from_catalogs({code: catalog.by_code[code].catalog for code in ("RL101", "RL201", "RL301", "RL302")})

    @classmethod
    def from_catalogs(cls, catalogs: dict[str, dict[str, Any]]) -> WebhookRules:
        return cls(
            handlers=WebhookSpec.from_catalog(catalogs["RL302"]),
            effects=EffectSpec.from_catalogs(catalogs["RL301"], catalogs["RL101"], catalogs["RL201"]),
            dedup=DedupSpec.from_catalog(catalogs["RL301"]),
        )

    def applies_to(self, file: SourceFile) -> bool:
        """The cheap prefilter both rules use (decided once per file): a
        webhook word, a provider or its verification call in the text, and
        not a test file."""
        return file.shared((self, "applies"), lambda: self._applies_to(file))

    def _applies_to(self, file: SourceFile) -> bool:
        if matches_skip_paths(file.path, self.handlers.skip_paths):
            return False
        text = file.text.lower()
        return any(word in text for word in self.handlers.prefilter)

    def module(self, file: SourceFile) -> WebhookModule | None:
        """The file's analysis, built once for both rules."""
        if file.python.tree is None:
            return None
        return file.shared(self, lambda: WebhookModule(file, self.handlers, self.effects))


def _literal_sql(node: ast.expr) -> str | None:
    """SQL written in the call: `"UPDATE ..."` or `text("UPDATE ...")`."""
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
