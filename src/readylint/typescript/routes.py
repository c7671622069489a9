"""HTTP endpoints of a TS/JS module, as `readylint.routes` facts.

    app/api/auth/login/route.ts   export async function POST(req) {...}      Next.js app router
    pages/api/signup.ts           export default async function handler() {} Next.js pages router
    app.post("/login", loginLimiter, async (req, res) => {...})              Express, Fastify, Hono, Koa
    router.route("/login").post(handler)                                     Express
    fastify.route({ method: "POST", url: "/login", handler })                Fastify
    @Controller("auth") class ... { @Post("login") login() {} }              NestJS

Guards are read where the endpoint is declared (middleware arguments and
their names, NestJS `@UseGuards`/`@Throttle`, Fastify's `config.rateLimit`,
limiter calls in the handler) and where they cover many endpoints
(`app.use(limiter)`, `fastify.register(rateLimit)`, a NestJS `APP_GUARD`,
a Next.js `middleware.ts` and its matcher). Wrappers and imported callees
are delegates: the project pass asks their modules whether they guard.

Nodes come from the file's one query index (`ScriptParse.of`): calls,
exports, declarators; decorators only in files that have any.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from readylint.discovery import matches_skip_paths
from readylint.outbound import Span
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
from readylint.typescript.names import ModuleNames
from readylint.typescript.runtime import runs_in_browser
from readylint.typescript.tree import FUNCTION_KINDS, language, string_value, text, unwrapped

NEXT_APP_ROUTE_RE = re.compile(r"(?:^|/)app/(?:(.*)/)?route\.[cm]?[jt]sx?$")
NEXT_PAGES_API_RE = re.compile(r"(?:^|/)pages/(api(?:/.*)?)\.[cm]?[jt]sx?$")
NEXT_MIDDLEWARE_RE = re.compile(r"(?:^|/)(?:middleware|proxy)\.[cm]?[jt]s$")
NEXT_ROUTE_FILE_RE = re.compile(f"{NEXT_APP_ROUTE_RE.pattern}|{NEXT_PAGES_API_RE.pattern}")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_CALL_TEXT = 120
PAGES_SUBMISSION_RE = re.compile(r"\breq(?:uest)?\.(?:body|method)\b|\.json\(\)|\.formData\(\)")


@dataclass(frozen=True)
class ScriptRouteCatalog:
    """The `typescript` section of RL601's catalog."""

    frameworks: dict[str, re.Pattern[str]]  # framework -> its import specifiers
    route_methods: frozenset[str]  # `app.post`, `router.delete`: lowercase
    limiter_modules: frozenset[str]
    nest_route_decorators: frozenset[str]
    nest_limit_decorators: frozenset[str]
    nest_skip_decorators: frozenset[str]
    nest_guards: re.Pattern[str]
    skip_paths: tuple[str, ...]
    limit_name: re.Pattern[str]
    limit_words: tuple[str, ...]
    admin_only: re.Pattern[str]
    paid_clients: frozenset[str]  # modules whose client a key pays for (LLM SDKs)
    server_key: re.Pattern[str]  # where the server's own key comes from (`process.env`)

    @classmethod
    def from_catalog(cls, section: dict[str, Any], limit_name: re.Pattern[str], limit_words: tuple[str, ...],
                     admin_only: re.Pattern[str]) -> "ScriptRouteCatalog":
        return cls(
            frameworks={
                str(name): re.compile(r"""(?:from|require\()\s*['"](?:%s)['"/]""" % "|".join(map(re.escape, modules)))
                for name, modules in (section.get("frameworks") or {}).items()
            },
            route_methods=frozenset(str(m) for m in section.get("route_methods") or ()),
            limiter_modules=frozenset(str(m) for m in section.get("limiter_modules") or ()),
            nest_route_decorators=frozenset(section.get("nest_route_decorators") or ()),
            nest_limit_decorators=frozenset(section.get("nest_limit_decorators") or ()),
            nest_skip_decorators=frozenset(section.get("nest_skip_decorators") or ()),
            nest_guards=re.compile(str(section.get("nest_limit_guards") or r"(?!)")),
            skip_paths=tuple(section.get("skip_paths") or ()),
            limit_name=limit_name,
            limit_words=limit_words,
            admin_only=admin_only,
            paid_clients=frozenset(str(m) for m in section.get("paid_clients") or ()),
            server_key=re.compile(str(section.get("server_key") or r"(?!)")),
        )


@cache
def _decorator_query(grammar: str) -> Any:
    import tree_sitter

    return tree_sitter.Query(language(grammar), "(decorator) @decorator")


@lru_cache(maxsize=4096)
def package_directory(root: str, directory: str) -> str:
    """The root-relative directory of the nearest `package.json` ("" at the root)."""
    while directory not in ("", "."):
        if (Path(root) / directory / "package.json").is_file():
            return directory
        directory = posixpath.dirname(directory)
    return ""


class ScriptRoutes:
    """The endpoints of one TS/JS module and the guards it declares."""

    def __init__(self, catalog: ScriptRouteCatalog, file: SourceFile):
        self.catalog = catalog
        self.file = file
        self.parse = file.script
        self.names = ModuleNames.for_file(file)
        # The index keeps captures by kind, not by position: ranges are looked up by start.
        self.calls = sorted(self.parse.of("call"), key=lambda n: n.start_byte)
        self._call_starts = [n.start_byte for n in self.calls]
        self.facts = RouteFacts()

    @cached_property
    def framework(self) -> str | None:
        """The server framework the module imports (type-only imports count: a
        Fastify plugin receives its instance and imports only its type)."""
        return next((name for name, imports in self.catalog.frameworks.items() if imports.search(self.file.text)), None)

    @cached_property
    def package(self) -> str:
        if self.file.abs_path is None:
            return ""
        root = str(self.file.abs_path)[: -len(self.file.path)] if str(self.file.abs_path).endswith(self.file.path) else ""
        return package_directory(root or ".", posixpath.dirname(self.file.path))

    def route_facts(self) -> RouteFacts:
        if matches_skip_paths(self.file.path, self.catalog.skip_paths) or self.parse.unreadable:
            return self.facts
        if runs_in_browser(self.file):
            return self.facts
        path = self.file.path
        limits = mentions_limits(self.file, self.catalog.limit_words)
        if limits:
            # First: this module's own endpoints may call its limiting helpers too.
            self._guarding_functions()
        if (match := NEXT_APP_ROUTE_RE.search(path)) is not None:
            self._next_app_route(_next_url(match.group(1) or ""))
        elif (match := NEXT_PAGES_API_RE.search(path)) is not None:
            self._next_pages_route(_next_url(match.group(1)))
        elif NEXT_MIDDLEWARE_RE.search(path) and "next/server" in self.file.text:
            self._next_middleware()
        if (self.framework is not None and self.framework != "nestjs") or limits:
            # A NestJS bootstrap registers the adapter's limiter (`app.register(fastifyRateLimit)`).
            self._registered_routes(routes=self.framework not in (None, "nestjs"))
        if self.framework == "nestjs" or "APP_GUARD" in self.file.text:
            self._nest_routes()
        return self.facts

    # ------------------------------------------------------------ Next.js

    def _next_app_route(self, url: str) -> None:
        for export in self.parse.of("export"):
            source = string_value(export.child_by_field_name("source"))
            for name, value, name_node in _exported_values(export):
                if name in HTTP_METHODS:
                    # `export { POST } from "@/modules/auth/route"`: the handler is that module's.
                    through = (Delegate(source, text(value)),) if source is not None else ()
                    self._add(url, (name,), name, name_node, value, "next-app", delegates=through)

    def _next_pages_route(self, url: str) -> None:
        for export in self.parse.of("export"):
            if not any(child.type == "default" for child in export.children):
                continue
            value = export.child_by_field_name("value") or export.child_by_field_name("declaration")
            if value is None:
                continue
            value = unwrapped(value)
            if value.type == "identifier":
                value = self._local_value(text(value)) or value
            name_node = value.child_by_field_name("name") if value.type.startswith("function") else None
            # Any method reaches a pages-router handler: one that reads no submission only answers.
            reads = value.type == "identifier" or bool(PAGES_SUBMISSION_RE.search(text(value)))
            self._add(url, (), text(name_node) if name_node is not None else "default export",
                      name_node or export, value, "next-pages", reads_body=reads)

    def _next_middleware(self) -> None:
        guards = [g for call in self.calls if (g := self._limit_guard(call)) is not None]
        if not guards:
            return
        matcher = re.search(r"\bmatcher\s*:\s*(\[[^\]]*\]|['\"`][^'\"`]*['\"`])", self.file.text)
        paths = tuple(re.findall(r"['\"`]([^'\"`]+)['\"`]", matcher.group(1))) if matcher else None
        directory = posixpath.dirname(self.file.path)
        scope = posixpath.dirname(directory) if posixpath.basename(directory) == "src" else directory
        self.facts.area_guards.append(AreaGuard(
            Guard(RATE_LIMIT, f"the limiter in {self.file.path} (line {guards[0].line})", guards[0].line),
            self.file.path, ("next-app", "next-pages"), scope, paths,
        ))

    # ------------------------------------------------------------ Express, Fastify, Hono, Koa

    def _registered_routes(self, *, routes: bool) -> None:
        """Routes registered by calls (with `routes`), and limiters applied to an application."""
        methods = self.catalog.route_methods if routes else frozenset()
        for call in self.calls:
            function = call.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            prop = text(function.child_by_field_name("property"))
            receiver = unwrapped(function.child_by_field_name("object"))
            arguments = _arguments(call)
            if prop in ("use", "register"):
                self._application_guard(call, receiver, arguments)
            elif prop == "route" and routes and arguments and arguments[0].type == "object":
                self._fastify_route(call, arguments[0])
            elif prop in methods and arguments:
                if receiver.type == "call_expression":  # router.route("/p").post(handler)
                    inner = receiver.child_by_field_name("function")
                    if inner is None or inner.type != "member_expression" or text(
                            inner.child_by_field_name("property")) != "route":
                        continue
                    url, handlers = string_value(_first(_arguments(receiver))), arguments
                elif receiver.type in ("identifier", "member_expression", "this"):
                    url, handlers = string_value(arguments[0]), arguments[1:]
                else:
                    continue
                if url is None or not handlers:
                    continue
                self._add_registered(call, prop, url, handlers)

    def _add_registered(self, call: Any, method: str, url: str, handlers: list[Any]) -> None:
        handler = handlers[-1]
        guards = [g for m in handlers[:-1] if (g := self._middleware_guard(m)) is not None]
        if handler.type == "object":  # Fastify: app.post(url, { config: { rateLimit } }, handler) has 3 args
            return
        options = next((h for h in handlers[:-1] if h.type == "object"), None)
        if options is not None and re.search(r"\brateLimit\s*:", text(options)):
            guards.append(Guard(RATE_LIMIT, "its route config's `rateLimit`", options.start_point[0] + 1))
        verb = ("GET", "POST", "PUT", "PATCH", "DELETE") if method == "all" else (method.upper(),)
        name = handler.child_by_field_name("name") if handler.type.startswith("function") else None
        # An inline arrow function has no name: the route names it.
        if name is not None or handler.type == "identifier":
            label = text(name if name is not None else handler)
        elif handler.type == "member_expression":
            # `accountController.register`: the method is the handler; its object is only where it lives.
            label = text(handler.child_by_field_name("property"))
        else:
            label = ""
        function_node = self._local_value(text(handler)) if handler.type == "identifier" else handler
        self._add(url, verb, label, call.child_by_field_name("function"), function_node or handler,
                  self.framework or "", guards=guards)

    def _fastify_route(self, call: Any, options: Any) -> None:
        properties = _properties(options)
        url = string_value(properties.get("url") or properties.get("path"))
        method = properties.get("method")
        handler = properties.get("handler")
        if url is None or method is None or handler is None:
            return
        methods = tuple(m.upper() for m in re.findall(r"['\"`](\w+)['\"`]", text(method)))
        guards = []
        if re.search(r"\brateLimit\s*:", text(options)):
            guards.append(Guard(RATE_LIMIT, "its route config's `rateLimit`", options.start_point[0] + 1))
        for hook in ("preHandler", "onRequest", "preValidation"):
            if hook in properties and (guard := self._middleware_guard(properties[hook])) is not None:
                guards.append(guard)
        self._add(url, methods, text(handler) if handler.type == "identifier" else "",
                  call.child_by_field_name("function"), handler, self.framework or "", guards=guards)

    def _application_guard(self, call: Any, receiver: Any, arguments: list[Any]) -> None:
        """`app.use(limiter)`, `app.use("/auth", limiter)`, `fastify.register(rateLimit, {...})`."""
        prefix = string_value(arguments[0]) if arguments else None
        middleware = arguments[1:] if prefix is not None else arguments[:1]
        for argument in middleware:
            guard = self._middleware_guard(argument)
            if guard is not None:
                paths = (prefix if prefix.endswith("*") else prefix.rstrip("/") + "/:rest*",) if prefix else None
                # Every endpoint of the package: routers mounted from other files, a NestJS app's controllers.
                self.facts.area_guards.append(AreaGuard(guard, self.file.path, (), self.package, paths))
                return

    # ------------------------------------------------------------ NestJS

    def _nest_routes(self) -> None:
        import tree_sitter

        decorators = tree_sitter.QueryCursor(_decorator_query(self.parse.grammar)).captures(
            self.parse.tree.root_node).get("decorator", [])
        classes: dict[int, tuple[str, list[Guard], bool]] = {}  # class body start -> prefix, guards, skipped
        methods: dict[int, list[Any]] = {}
        for decorator in decorators:
            parent = decorator.parent
            if parent.type == "class_body":
                method = decorator.next_named_sibling
                while method is not None and method.type == "decorator":
                    method = method.next_named_sibling
                if method is not None and method.type == "method_definition":
                    methods.setdefault(method.start_byte, [method]).append(decorator)
            elif parent.type in ("class_declaration", "export_statement", "abstract_class_declaration"):
                cls = parent if parent.type != "export_statement" else parent.child_by_field_name("declaration")
                if cls is None:
                    continue
                body = cls.child_by_field_name("body")
                prefix, guards, skipped = classes.get(body.start_byte, ("", [], False))
                name, argument = _decorator_call(decorator)
                if name == "Controller":
                    prefix = _controller_path(argument)
                guard = self._nest_guard(decorator, name)
                classes[body.start_byte] = (prefix, guards + ([guard] if guard else []),
                                            skipped or self._skips_every_throttler(name, argument))
        if "APP_GUARD" in self.file.text and self.catalog.nest_guards.search(self.file.text):
            guard = Guard(RATE_LIMIT, f"the global ThrottlerGuard ({self.file.path})", 1)
            self.facts.area_guards.append(AreaGuard(guard, self.file.path, ("nestjs",), self.package))
        for method, *method_decorators in methods.values():
            body = method.parent
            if body.start_byte not in classes:
                continue
            prefix, class_guards, class_skipped = classes[body.start_byte]
            route = None
            guards = list(class_guards)
            skipped = class_skipped
            for decorator in method_decorators:
                name, argument = _decorator_call(decorator)
                if name in self.catalog.nest_route_decorators:
                    route = (name.upper(), _controller_path(argument))
                elif name in self.catalog.nest_skip_decorators:
                    skipped = skipped or self._skips_every_throttler(name, argument)
                elif (guard := self._nest_guard(decorator, name)) is not None:
                    guards.append(guard)
            if route is None:
                continue
            if skipped:
                guards = [g for g in guards if g.label.startswith("@Throttle")]
            method_name = text(method.child_by_field_name("name"))
            cls_name = body.parent.child_by_field_name("name")
            verb = route[0] if route[0] != "ALL" else ""
            self._add("/" + "/".join(p for p in (prefix, route[1]) if p), (verb,) if verb else (),
                      f"{text(cls_name)}.{method_name}" if cls_name is not None else method_name,
                      method.child_by_field_name("name"), method, "nestjs", guards=guards,
                      skip_area_guards=skipped)

    def _skips_every_throttler(self, name: str, argument: Any) -> bool:
        """`@SkipThrottle()` skips every throttler; `@SkipThrottle({ [AI]: true })` only those it names."""
        return name in self.catalog.nest_skip_decorators and (argument is None or text(argument) == "true")

    def _nest_guard(self, decorator: Any, name: str) -> Guard | None:
        line = decorator.start_point[0] + 1
        if name in self.catalog.nest_limit_decorators:
            return Guard(RATE_LIMIT, f"@{name}", line)
        if name == "UseGuards" and self.catalog.nest_guards.search(text(decorator)):
            return Guard(RATE_LIMIT, text(decorator), line)
        if name in ("UseGuards", "Roles") and self.catalog.admin_only.search(text(decorator)):
            return Guard(ADMIN_ONLY, text(decorator), line)
        return None

    # ------------------------------------------------------------ guards

    def _middleware_guard(self, node: Any) -> Guard | None:
        """A middleware argument that limits: named so (`loginLimiter`,
        `rateLimit({...})`), or made by a limiter package in this module."""
        node = unwrapped(node)
        if node is None or node.type in FUNCTION_KINDS:
            return None
        label = text(node)
        if len(label) > MAX_CALL_TEXT:
            label = label[:MAX_CALL_TEXT] + "..."
        head = node.child_by_field_name("function") if node.type == "call_expression" else node
        if head is None:
            return None
        if self.catalog.limit_name.search(text(head)) or self._from_limiter_module(head):
            return Guard(RATE_LIMIT, f"`{label}`", node.start_point[0] + 1)
        if head.type == "identifier":
            value = self._local_value(text(head))
            if value is not None and value.type == "call_expression" and self._from_limiter_module(
                    value.child_by_field_name("function")):
                return Guard(RATE_LIMIT, f"`{label}`", node.start_point[0] + 1)
        return None

    def _from_limiter_module(self, node: Any) -> bool:
        qualified = self.names.of(node) or ""
        return any(qualified == m or qualified.startswith(m + ".") for m in self.catalog.limiter_modules)

    def _limit_guard(self, call: Any) -> Guard | None:
        """A call that applies a limit: `ratelimit.limit(ip)`, `limiter.consume(key)`, `checkRateLimit(req)`."""
        function = call.child_by_field_name("function")
        if function is None:
            return None
        callee = text(function)
        if len(callee) > MAX_CALL_TEXT:
            return None
        receiver = unwrapped(function.child_by_field_name("object")) if function.type == "member_expression" else None
        if self.catalog.limit_name.search(callee) or self._from_limiter_module(function) or (
                receiver is not None and receiver.type == "identifier" and text(receiver) in self._limiter_objects):
            return Guard(RATE_LIMIT, f"`{_compact(callee)}(...)`", call.start_point[0] + 1)
        return None

    @cached_property
    def _limiter_objects(self) -> frozenset[str]:
        """Names bound to what a limiter package makes: `const codes = new RateLimiterMemory(...)`."""
        found = set()
        for declarator in self.parse.of("declarator"):
            value = unwrapped(declarator.child_by_field_name("value"))
            name = declarator.child_by_field_name("name")
            if value is None or name is None or name.type != "identifier":
                continue
            made_by = value.child_by_field_name("constructor" if value.type == "new_expression" else "function")
            if value.type in ("new_expression", "call_expression") and made_by is not None and self._from_limiter_module(made_by):
                found.add(text(name))
        return frozenset(found)

    def _guarding_functions(self) -> None:
        """Top-level functions of this module that limit (a `withRateLimit`
        wrapper, an `assertRateLimit` helper): other modules' endpoints delegate to them."""
        for name, value in self._top_level_functions.items():
            for call in self._calls_in(value):
                if (guard := self._limit_guard(call)) is not None:
                    self.facts.guarding_functions[name] = guard
                    break

    # ------------------------------------------------------------ endpoints

    def _add(self, url: str, methods: tuple[str, ...], label: str, name_node: Any, handler: Any, framework: str,
             *, guards: list[Guard] | tuple[Guard, ...] = (), skip_area_guards: bool = False,
             delegates: tuple[Delegate, ...] = (), reads_body: bool = True) -> None:
        guards = list(guards)
        delegates = list(delegates)
        calls: list[str] = []
        function = unwrapped(handler)
        # `withWorkspace(async (req) => ...)`, `withAuth(withLimit(handler))`: the wrappers are delegates.
        while function is not None and function.type == "call_expression":
            wrapper = function.child_by_field_name("function")
            if (guard := self._limit_guard(function)) is not None:
                guards.append(guard)
            elif self.catalog.admin_only.search(text(wrapper)):
                guards.append(Guard(ADMIN_ONLY, f"`{text(wrapper)}`", wrapper.start_point[0] + 1))
            elif (delegate := self._delegate(wrapper)) is not None:
                delegates.append(delegate)
            inner = [a for a in _arguments(function) if unwrapped(a).type in (*FUNCTION_KINDS, "call_expression",
                                                                               "identifier")]
            function = unwrapped(inner[0]) if inner else None
            if function is not None and function.type == "identifier":
                function = self._local_value(text(function)) or self._imported(function, delegates)
        if function is not None and function.type == "identifier":
            function = self._local_value(text(function)) or self._imported(function, delegates)
        if function is not None and function.type in (*FUNCTION_KINDS, "function_declaration", "method_definition"):
            if (paid := self._caller_pays(function)) is not None:
                guards.append(paid)
            for call in self._calls_in(function):
                callee = call.child_by_field_name("function")
                if callee is None:
                    continue
                if (guard := self._limit_guard(call)) is not None:
                    guards.append(guard)
                    continue
                written = _compact(text(callee))
                if len(written) <= MAX_CALL_TEXT:
                    calls.append(written)
                qualified = self.names.of(callee)
                if qualified and qualified != written:
                    calls.append(qualified)
                if callee.type == "identifier" and (delegate := self._delegate(callee)) is not None:
                    delegates.append(delegate)
                elif callee.type == "identifier" and text(callee) in self.facts.guarding_functions:
                    guards.append(self.facts.guarding_functions[text(callee)])
        (line, column), (end_line, end_column) = name_node.start_point, name_node.end_point
        span = Span(line + 1, self.file.char_column(line + 1, column), end_line + 1,
                    self.file.char_column(end_line + 1, end_column))
        self.facts.endpoints.append(Endpoint(
            url, methods, label, span, framework, tuple(dict.fromkeys(calls)), tuple(guards),
            tuple(dict.fromkeys(delegates)), opts_out=(RATE_LIMIT,) if skip_area_guards else (),
            reads_body=reads_body,
        ))

    def _caller_pays(self, function: Any) -> Guard | None:
        """`new OpenAI({ apiKey: profile.openai_api_key })` in the handler: the
        signed-in user's own key pays for each call, not the server's."""
        for node in self.parse.of("new"):
            if not function.start_byte <= node.start_byte < function.end_byte:
                continue
            made_by = self.names.of(node.child_by_field_name("constructor")) or ""
            if made_by.split(".")[0] not in self.catalog.paid_clients and not any(
                    made_by.startswith(m + ".") for m in self.catalog.paid_clients):
                continue
            options = _first(_arguments(node))
            key = _properties(options).get("apiKey") if options is not None and options.type == "object" else None
            if key is not None and not self.catalog.server_key.search(text(key)):
                return Guard(CALLER_PAYS, f"the caller's own key (`{_compact(text(key))}`)", node.start_point[0] + 1,
                             ("AI generation",))
        return None

    def _imported(self, node: Any, delegates: list[Delegate]) -> None:
        """A handler imported from another module (`export { POST }` of an import):
        that module's function is a delegate; nothing here to read."""
        if (delegate := self._delegate(node)) is not None:
            delegates.append(delegate)

    def _delegate(self, node: Any) -> Delegate | None:
        if node is None or node.type != "identifier":
            return None
        binding = self.names.bindings.get(text(node))
        return Delegate(binding[0], binding[1]) if binding is not None and binding[1] != "*" else None

    def _calls_in(self, node: Any) -> list[Any]:
        start = bisect.bisect_left(self._call_starts, node.start_byte)
        end = bisect.bisect_left(self._call_starts, node.end_byte)
        return self.calls[start:end]

    @cached_property
    def _top_level_functions(self) -> dict[str, Any]:
        """Module-level `function f() {}` and `const f = (...) => ...`, by name."""
        found: dict[str, Any] = {}
        root = self.parse.tree.root_node
        for statement in root.named_children:
            node = statement.child_by_field_name("declaration") if statement.type == "export_statement" else statement
            if node is None:
                continue
            if node.type in ("function_declaration", "generator_function_declaration"):
                found[text(node.child_by_field_name("name"))] = node
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for declarator in node.named_children:
                    value = unwrapped(declarator.child_by_field_name("value"))
                    name = declarator.child_by_field_name("name")
                    if value is not None and name is not None and name.type == "identifier" and value.type in (
                            *FUNCTION_KINDS, "call_expression"):
                        found[text(name)] = value
        return found

    def _local_value(self, name: str) -> Any | None:
        return self._top_level_functions.get(name)


def _exported_values(export: Any) -> list[tuple[str, Any, Any]]:
    """(exported name, its value, the node naming it) of an export statement:
    `export async function POST`, `export const POST = ...`, `export { handler as POST }`."""
    declaration = export.child_by_field_name("declaration")
    if declaration is not None:
        if declaration.type in ("function_declaration", "generator_function_declaration"):
            name = declaration.child_by_field_name("name")
            return [(text(name), declaration, name)]
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            return [
                (text(d.child_by_field_name("name")), d.child_by_field_name("value"), d.child_by_field_name("name"))
                for d in declaration.named_children
                if d.type == "variable_declarator" and d.child_by_field_name("value") is not None
            ]
        return []
    clause = next((c for c in export.named_children if c.type == "export_clause"), None)
    found = []
    for specifier in clause.named_children if clause is not None else ():
        name, alias = specifier.child_by_field_name("name"), specifier.child_by_field_name("alias")
        if specifier.type == "export_specifier" and name is not None:  # not a syntax error's remains
            found.append((text(alias or name), name, alias or name))
    return found


def _next_url(directory: str) -> str:
    """`(ee)/api/auth/[...nextauth]` -> `/api/auth/[...nextauth]`: route groups are not in the URL."""
    parts = [p for p in directory.split("/") if p and not (p.startswith("(") and p.endswith(")")) and not p.startswith("@")]
    if parts and parts[-1] == "index":
        parts.pop()
    return "/" + "/".join(parts)


def _arguments(call: Any) -> list[Any]:
    arguments = call.child_by_field_name("arguments")
    return [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []


def _first(nodes: list[Any]) -> Any | None:
    return nodes[0] if nodes else None


def _properties(obj: Any) -> dict[str, Any]:
    found = {}
    for pair in obj.named_children:
        if pair.type == "pair":
            found[text(pair.child_by_field_name("key")).strip("'\"")] = unwrapped(pair.child_by_field_name("value"))
        elif pair.type == "shorthand_property_identifier":
            found[text(pair)] = pair
    return found


def _decorator_call(decorator: Any) -> tuple[str, Any | None]:
    expression = decorator.named_children[0] if decorator.named_child_count else None
    if expression is None:
        return "", None
    if expression.type == "call_expression":
        function = expression.child_by_field_name("function")
        return text(function).rsplit(".", 1)[-1], _first(_arguments(expression))
    return text(expression).rsplit(".", 1)[-1], None


def _controller_path(argument: Any) -> str:
    """`@Controller("auth")`, `@Post(":id/verify")`, `@Controller({ path: "auth" })`."""
    if argument is None:
        return ""
    if argument.type == "object":
        argument = _properties(argument).get("path")
    value = string_value(argument)
    return value.strip("/") if value else ""


def _compact(callee: str) -> str:
    return re.sub(r"\s+", "", callee)
