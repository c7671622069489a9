"""RL101 outbound-call-without-timeout: a network call that can wait forever.

What counts as an outbound call, where its timeout goes and what the library
does without one is data: `rules/RL101-outbound-call-without-timeout.yaml`,
a section per language. Each language's analysis reports the calls lacking a
timeout as `OutboundCall` facts and `judge` decides on them once: TS/JS in
`readylint.typescript.outbound`, Python here. The Python analysis reads each
call of the file once:

- a catalogued call (`requests.get`, `psycopg2.connect`, `redis.Redis`): no
  timeout where the library waits forever, or an explicit unbounded one;
- a client's constructor (`httpx.Client(timeout=None)`): explicit unbounded
  values, and long defaults when `max-default-seconds` is set;
- a client's method (`session.get`), when `ObjectFlow` traces the receiver to
  the client's constructor and neither the call nor the client sets a timeout.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.discovery import matches_skip_paths
from readylint.diagnostics import Applicability, Finding, Fix
from readylint.outbound import Behaviour, OutboundCall, Span
from readylint.python.calls import UNKNOWN, ArgumentSlot, add_keyword_edit, argument, is_constant, node_edit
from readylint.python.names import QualifiedNames
from readylint.python.objects import ObjectFlow
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile, kind_of
from readylint.typescript.modules import ModuleResolver
from readylint.typescript.outbound import ScriptAudit, ScriptCatalog, ScriptOutboundFacts
from readylint.typescript.runtime import client_only_modules

CALLEE_DISPLAY_MAX = 60


def _slot(data: dict[str, Any] | None) -> ArgumentSlot | None:
    if not data:
        return None
    return ArgumentSlot(tuple(data.get("keywords") or ()), data.get("position"))


def _require(entry: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A catalog entry (shipped or from a user's `extend-rules`) with the keys the check needs."""
    missing = [key for key in keys if not isinstance(entry, dict) or not entry.get(key)]
    if missing:
        raise ValueError(f"RL101 catalog: {where} needs {', '.join(repr(k) for k in missing)} (got {entry!r})")
    slots = [entry[k] for k in ("timeout", "method_timeout", "constructor_timeout") if k in entry]
    if any(not isinstance(s, dict) or not (s.get("keywords") or s.get("position") is not None) for s in slots):
        raise ValueError(f"RL101 catalog: {where}: a timeout needs 'keywords' or 'position' (got {entry!r})")
    return entry


@dataclass(frozen=True)
class CallSpec:
    timeout: ArgumentSlot
    behaviour: Behaviour
    dsn: tuple[ArgumentSlot, tuple[str, ...]] | None
    configured_by: tuple[str, ...]


@dataclass(frozen=True)
class ClientSpec:
    constructor_timeout: ArgumentSlot | None
    methods: frozenset[str]
    method_timeout: ArgumentSlot
    behaviour: Behaviour
    mount_method: str | None = None  # `session.mount(prefix, adapter)`
    plain_adapters: frozenset[str] = frozenset()  # adapters that set no timeout


@dataclass(frozen=True)
class TimeoutObject:
    parameters: tuple[str, ...]
    bounds: frozenset[str]


class OutboundCallWithoutTimeout(ProjectCheck):
    code = "RL101"
    kinds = frozenset({FileKind.PYTHON, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        catalog = rule.catalog
        self.calls: dict[str, CallSpec] = {}
        for index, entry in enumerate(catalog.get("calls", [])):
            entry = _require(entry, f"calls[{index}]", ("names", "timeout"))
            dsn = entry.get("dsn")
            spec = CallSpec(
                timeout=_slot(entry["timeout"]),
                behaviour=Behaviour.from_yaml(entry),
                dsn=(_slot(dsn), tuple(dsn.get("markers", ()))) if dsn else None,
                configured_by=tuple(entry.get("configured_by", ())),
            )
            self.calls.update(dict.fromkeys(entry["names"], spec))
        self.clients: dict[str, ClientSpec] = {}
        for index, entry in enumerate(catalog.get("clients", [])):
            entry = _require(entry, f"clients[{index}]", ("factories", "methods", "method_timeout"))
            spec = ClientSpec(
                constructor_timeout=_slot(entry.get("constructor_timeout")),
                methods=frozenset(entry["methods"]),
                method_timeout=_slot(entry["method_timeout"]),
                behaviour=Behaviour.from_yaml(entry),
                mount_method=(entry.get("adapters") or {}).get("mount"),
                plain_adapters=frozenset((entry.get("adapters") or {}).get("without_timeout", ())),
            )
            self.clients.update(dict.fromkeys(entry["factories"], spec))
        self.timeout_objects = {
            name: TimeoutObject(tuple(entry.get("parameters", ())), frozenset(entry["bounds"]))
            for entry in catalog.get("timeout_objects", []) for name in entry["names"]
        }
        self.client_methods = frozenset(m for spec in self.clients.values() for m in spec.methods)
        self.mount_methods = frozenset(spec.mount_method for spec in self.clients.values() if spec.mount_method)
        self.socket_default_setters = frozenset(catalog.get("socket_default_setters", ()))
        # Only an imported name resolves to a catalogued call: a file that
        # imports none of these modules has nothing to report.
        modules = "|".join(sorted({re.escape(name.split(".")[0]) for name in [*self.calls, *self.clients]}))
        self.prefilter = re.compile(r"^[ \t]*(?:import|from)[ \t][^\n]*\b(?:%s)\b" % modules, re.MULTILINE)
        self.default_timeout = options.get("default-timeout", 10)
        self.max_default = options.get("max-default-seconds")
        if self.max_default is not None and (
            isinstance(self.max_default, bool) or not isinstance(self.max_default, (int, float))
        ):
            raise ValueError(f"RL101 option max-default-seconds must be a number of seconds, got {self.max_default!r}")
        self.declared_sessions = frozenset(options.get("session-classes-with-default-timeout") or ())
        self.socket_default_set = bool(options.get("socket-default-timeout-set", False))
        self.scripts = ScriptCatalog(catalog.get("typescript") or {})
        self.mail = MailSpec(catalog.get("django_mail") or {})
        self.skip_paths = [str(p) for p in catalog.get("skip_paths") or ()]
        self._placement: tuple[Path, list[Any], tuple[ModuleResolver, set[str]]] | None = None

    def judge(self, path: str, call: OutboundCall) -> Finding | None:
        """The rule's judgement of a call a language's analysis found, in any language."""
        behaviour = call.behaviour
        if call.given is not None:
            message = f"{call.callee} passes `{call.given}`, no timeout at all: {behaviour.hangs}; {call.remedy}"
        elif call.waits_forever and call.via_client:
            message = (f"{call.callee} has no `{call.setting}`, and {call.via_client} sets none: "
                       f"{behaviour.hangs}; {call.remedy}")
        elif call.waits_forever:
            message = f"{call.callee} has no `{call.setting}`: {behaviour.hangs}; {call.remedy}"
        elif (call.via_client is None and None not in (self.max_default, behaviour.default)
              and behaviour.default > self.max_default):
            message = (f"{call.callee} relies on the default timeout of {behaviour.default:g} s, over "
                       f"max-default-seconds ({self.max_default:g}); {call.remedy}")
        else:
            return None
        line, column, end_line, end_column = call.span
        return new_finding(self.rule, path, line, column, message, end_line=end_line, end_column=end_column,
                           fix=call.fix)

    def applies_to(self, file: SourceFile) -> bool:
        # Every script file tells the project pass what it imports (`collect`).
        if file.kind in SCRIPT_KINDS:
            return True
        # The text test first: a file that imports no HTTP client is never parsed for RL101.
        return (bool(self.prefilter.search(file.text)) or self.mail.mentioned_in(file.text)) \
            and file.python.tree is not None

    def check(self, file: SourceFile) -> Iterable[Finding]:
        if file.kind not in SCRIPT_KINDS:
            if not self.prefilter.search(file.text) or matches_skip_paths(file.path, self.skip_paths):
                return ()
            return ModuleAudit(self, file).findings()
        if not self.scripts.prefilter.search(file.text) or self.scripts.skipped(file.path) or file.script.unreadable:
            return ()
        audit = ScriptAudit(self.scripts, file, self.default_timeout)
        return filter(None, (self.judge(file.path, call) for call in audit.calls()))

    # Scripts: a module that only browser code imports is browser code.

    def collect(self, file: SourceFile) -> ScriptOutboundFacts | MailSettings | None:
        if file.kind not in SCRIPT_KINDS:
            return self.mail.settings_of(file) if self.mail.mentioned_in(file.text) else None
        # A second audit rather than one kept on the file: an audit refers to its
        # file, and a cycle through `SourceFile.shared` keeps every tree alive
        # under the analysis's rare collections (503 MB against 89 MB on trigger.dev).
        return ScriptAudit(self.scripts, file, self.default_timeout).facts()

    def wants_context(self, path: str) -> bool:
        # Scripts, and Python settings modules (a production settings file sets what base.py leaves out).
        return kind_of(path) in SCRIPT_KINDS or (path.endswith(".py") and "settings" in path)

    def refine(self, findings: list[Finding], facts: dict[str, Any], project: ProjectContext) -> list[Finding]:
        if not any(kind_of(f.path) in SCRIPT_KINDS for f in findings):
            return findings
        _, browser_only = self._placed(_scripts(facts), project)
        return [f for f in findings if f.path not in browser_only]

    def check_project(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        scripts = _scripts(facts)
        yield from self._injected_client_calls(scripts)
        yield from self._imported_client_calls(scripts, project)
        mail = {path: fact for path, fact in facts.items() if isinstance(fact, MailSettings)}
        if mail:
            yield from self._mail_without_timeout(mail)

    def _mail_without_timeout(self, mail: dict[str, "MailSettings"]) -> Iterable[Finding]:
        """Django's SMTP backend with EMAIL_HOST set and EMAIL_TIMEOUT nowhere (or None):
        every `send_mail()` can wait forever. Reported once, where the project sets it up."""
        spec = self.mail
        if any(fact.timeout == MailSettings.BOUNDED for fact in mail.values()):
            return
        backends = {fact.backend for fact in mail.values() if fact.backend is not None}
        if backends and "" not in backends and not backends & spec.smtp_backends:
            return  # another backend (console, an API provider's) everywhere it is set
        unbounded = sorted((path, fact.timeout_span) for path, fact in mail.items()
                           if fact.timeout == MailSettings.UNBOUNDED and fact.timeout_span)
        hosts = sorted((path, fact.host) for path, fact in mail.items() if fact.host is not None)
        if not hosts:
            return
        path, span = unbounded[0] if unbounded else hosts[0]
        given = f"sets `{spec.timeout_setting} = None`" if unbounded else f"never sets `{spec.timeout_setting}`"
        yield new_finding(
            self.rule, path, span.line, span.column,
            f"Django's SMTP email backend is set up (`{spec.host_setting}`) but the project {given}: every "
            f"`send_mail()` waits forever for a mail server that stops answering; set "
            f"`{spec.timeout_setting} = {self.default_timeout}` in the settings",
            end_line=span.end_line, end_column=span.end_column,
        )

    def _injected_client_calls(self, facts: dict[str, Any]) -> Iterable[Finding]:
        """Calls on a framework's injected client, when no registration anywhere may bound it."""
        states: dict[str, set[str]] = {}
        for fact in facts.values():
            for key, state in fact.registrations:
                states.setdefault(key, set()).add(state)
        for path, fact in facts.items():
            for key, call in fact.injected_calls:
                if not states.get(key, set()) & {"bounded", "unknown"} and (finding := self.judge(path, call)):
                    yield finding

    def _imported_client_calls(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        """Calls on a client another module exports (`export const api = axios.create()`)."""
        importers = {path: fact for path, fact in facts.items() if fact.imported_calls}
        if not importers:
            return
        exported = {path: {e.name: e for e in fact.exported} for path, fact in facts.items() if fact.exported}
        if not exported:
            return
        resolver, browser_only = self._placed(facts, project)
        re_exported = {path: fact.module.re_exports for path, fact in facts.items() if fact.module.re_exports}
        for path, fact in importers.items():
            if path in browser_only:
                continue
            for imported in fact.imported_calls:
                target = resolver.resolve(path, imported.specifier)
                if target is None:
                    continue
                definitions = resolver.definitions(target, imported.name, re_exported)
                client = next((exported[where][name] for where, name in definitions
                               if name in exported.get(where, {})), None)
                if client is None or client.bounded:
                    continue
                for factory, call in imported.unbounded_as:
                    if factory == client.factory and (finding := self.judge(path, call)) is not None:
                        yield finding

    def _placed(self, facts: dict[str, Any], project: ProjectContext) -> tuple[ModuleResolver, set[str]]:
        """The project's module resolver and the modules only browser code imports,
        computed once for `refine` and `check_project` of the same run (the same
        facts objects), not once each. Tests import from both sides and run on
        neither: they place nothing."""
        values = list(facts.values())
        if self._placement is not None:
            root, seen, placement = self._placement
            if root == project.root and len(seen) == len(values) and all(a is b for a, b in zip(seen, values)):
                return placement
        resolver = ModuleResolver(project.root, facts)
        modules = {path: fact.module for path, fact in facts.items() if not self.scripts.skipped(path)}
        placement = (resolver, client_only_modules(modules, resolver))
        self._placement = (project.root, values, placement)
        return placement


@dataclass(frozen=True)
class MailSettings:
    """The Django email settings a module assigns at its top level."""

    BOUNDED = "bounded"
    UNBOUNDED = "unbounded"

    host: Span | None = None  # where EMAIL_HOST is set
    timeout: str | None = None  # BOUNDED, UNBOUNDED (a literal None), or None: not set here
    timeout_span: Span | None = None
    backend: str | None = None  # the backend's dotted path; "" when not a literal; None: not set here


class MailSpec:
    """RL101's `django_mail` catalog: which settings configure Django's SMTP backend."""

    def __init__(self, data: dict[str, Any]):
        self.host_setting = str(data.get("host_setting", "EMAIL_HOST"))
        self.timeout_setting = str(data.get("timeout_setting", "EMAIL_TIMEOUT"))
        self.backend_setting = str(data.get("backend_setting", "EMAIL_BACKEND"))
        self.smtp_backends = frozenset(map(str, data.get("smtp_backends") or ()))

    def mentioned_in(self, text: str) -> bool:
        return self.host_setting in text or self.timeout_setting in text

    def settings_of(self, file: SourceFile) -> MailSettings | None:
        """What a Django settings module (by its path, or its INSTALLED_APPS) assigns."""
        tree = file.python.tree
        if tree is None or not ("settings" in file.path or "INSTALLED_APPS" in file.text):
            return None
        names = (self.host_setting, self.timeout_setting, self.backend_setting)
        found: dict[str, tuple[Span, ast.expr]] = {}
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) and node.value is not None else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id in names:
                    column = file.char_column(target.lineno, target.col_offset)
                    found[target.id] = (Span(target.lineno, column, target.lineno, column + len(target.id)),
                                        node.value)
        if not found:
            return None
        host = found[self.host_setting][0] if self.host_setting in found else None
        timeout = timeout_span = backend = None
        if self.timeout_setting in found:
            timeout_span, value = found[self.timeout_setting]
            timeout = MailSettings.UNBOUNDED if isinstance(value, ast.Constant) and value.value is None \
                else MailSettings.BOUNDED
        if self.backend_setting in found:
            value = found[self.backend_setting][1]
            backend = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
        return MailSettings(host, timeout, timeout_span, backend)


def _scripts(facts: dict[str, Any]) -> dict[str, ScriptOutboundFacts]:
    return {path: fact for path, fact in facts.items() if isinstance(fact, ScriptOutboundFacts)}


class ModuleAudit:
    """One file: its names, its client objects, and the findings on its calls."""

    def __init__(self, check: OutboundCallWithoutTimeout, file: SourceFile):
        self.check = check
        self.file = file
        self.index = file.tree_index
        self.names = QualifiedNames.for_file(file)
        self.local_clients = self._local_client_classes(file.python.tree)
        self.calls: list[ast.Call] = self.index.of_type(ast.Call)
        self.method_assignments: list[ast.Attribute] = [  # `x.request = ...`
            target
            for node in self.index.of_type(ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Attribute) and target.attr in check.client_methods
        ]

    @cached_property
    def sets_socket_default(self) -> bool:
        """The module sets the global socket timeout (`socket.setdefaulttimeout(15)`,
        often in a decorator around the calls), which bounds calls without their own."""
        return any(
            self.names.of(call.func) in self.check.socket_default_setters
            and call.args and not is_constant(call.args[0], (None,))
            for call in self.calls
        )

    @property
    def socket_default_set(self) -> bool:
        return self.check.socket_default_set or self.sets_socket_default

    @cached_property
    def creates_clients(self) -> bool:
        return any(self.client_of(call) is not None for call in self.calls)

    @cached_property
    def flow(self) -> ObjectFlow:
        # Built only for files that create a client: most files that import
        # requests call its functions and never make a Session. The test closes
        # over what it reads, not over this audit: an audit -> flow -> audit cycle
        # would keep the file's tree until a rare collection.
        names, clients, local_clients = self.names, self.check.clients, self.local_clients
        return ObjectFlow(self.file.tree_index, names,
                          lambda call: _client_spec(call, names, clients, local_clients) is not None)

    # ------------------------------------------------------------ what is what

    def client_of(self, call: ast.Call) -> ClientSpec | None:
        return _client_spec(call, self.names, self.check.clients, self.local_clients)

    def _local_client_classes(self, tree: ast.Module) -> dict[str, ClientSpec]:
        """Module-level subclasses of a client, unless they may set a default
        timeout themselves (their code handles `timeout` or mounts an adapter)
        or the user declared that they do."""
        found = {}
        for node in tree.body:
            if not isinstance(node, ast.ClassDef) or self._declared(node.name):
                continue
            specs = [spec for base in node.bases if (spec := self.check.clients.get(self.names.of(base) or ""))]
            if not specs:
                continue
            subtree = self.index.walk(node)
            if _mentions_timeout(subtree) or _calls_method(subtree, self.check.mount_methods):
                continue
            found[node.name] = specs[-1]
        return found

    def _declared(self, dotted: str) -> bool:
        last = dotted.rsplit(".", 1)[-1]
        return any(dotted == name or last == name.rsplit(".", 1)[-1] for name in self.check.declared_sessions)

    @cached_property
    def preset(self) -> set[ast.Call]:
        """Client objects configured after creation: a transport adapter mounted
        (`s.mount("https://", TimeoutAdapter())`, any adapter but those the
        catalog says set no timeout) or a method replaced
        (`s.request = functools.partial(s.request, timeout=5)`)."""
        preset: set[ast.Call] = set()
        for node in self.calls:
            if not (isinstance(node.func, ast.Attribute) and node.func.attr in self.check.mount_methods
                    and len(node.args) >= 2):
                continue
            adapter = node.args[1]
            adapter_name = self.names.of(adapter.func) if isinstance(adapter, ast.Call) else None
            for origin in self.flow.origins(node.func.value) or ():
                client = self.client_of(origin)
                if client and client.mount_method == node.func.attr and adapter_name not in client.plain_adapters:
                    preset.add(origin)
        for target in self.method_assignments:
            preset.update(self.flow.origins(target.value) or ())
        return preset

    # ------------------------------------------------------------ judging

    def findings(self) -> Iterable[Finding]:
        for call in self.calls:
            qualified = self.names.of(call.func)
            if qualified in self.check.calls:
                yield from self._judge_call(call, self.check.calls[qualified])
            elif (client := self.client_of(call)) is not None and client.constructor_timeout:
                yield from self._judge_constructor(call, client)
            elif isinstance(call.func, ast.Attribute) and call.func.attr in self.check.client_methods:
                yield from self._judge_method(call)

    def _judge_call(self, call: ast.Call, spec: CallSpec) -> Iterable[Finding]:
        if any(k.arg in spec.configured_by for k in call.keywords):
            return
        given = argument(call, spec.timeout)
        if given is UNKNOWN:
            return
        if given is not None:
            yield from self._unbounded(call, given, spec.timeout, spec.behaviour)
            return
        if spec.dsn and self._dsn_may_set(call, *spec.dsn):
            return
        yield from self._missing(call, spec.timeout, spec.behaviour)

    def _judge_constructor(self, call: ast.Call, client: ClientSpec) -> Iterable[Finding]:
        given = argument(call, client.constructor_timeout)
        if given is UNKNOWN:
            return
        if given is not None:
            yield from self._unbounded(call, given, client.constructor_timeout, client.behaviour)
        elif client.behaviour.default is not None:
            # A bounded default lives on the client: report it once, here.
            yield from self._missing(call, client.constructor_timeout, client.behaviour)

    def _judge_method(self, call: ast.Call) -> Iterable[Finding]:
        if not self.creates_clients:
            return
        origins = self.flow.origins(call.func.value)
        if not origins:
            return
        clients = {self.client_of(origin) for origin in origins}
        if len(clients) != 1:
            return
        client = clients.pop()
        if client is None or call.func.attr not in client.methods:
            return
        given = argument(call, client.method_timeout)
        if given is UNKNOWN:
            return
        if given is not None:
            yield from self._unbounded(call, given, client.method_timeout, client.behaviour)
            return
        if any(self._has_default(o, client) for o in origins):
            return
        origin_lines = ", ".join(sorted({str(o.lineno) for o in origins}))
        yield from self._judge(
            call, client.method_timeout, client.behaviour, callee=f"`{_display(call.func)}(...)`",
            via_client=f"the `{_display(origins[0].func)}()` it is called on (line {origin_lines})",
        )

    def _has_default(self, origin: ast.Call, client: ClientSpec) -> bool:
        if origin in self.preset:
            return True
        return client.constructor_timeout is not None and argument(origin, client.constructor_timeout) is not None

    def _missing(self, call: ast.Call, slot: ArgumentSlot, behaviour: Behaviour) -> Iterable[Finding]:
        yield from self._judge(call, slot, behaviour)

    def _unbounded(
        self, call: ast.Call, given: ast.expr, slot: ArgumentSlot, behaviour: Behaviour
    ) -> Iterable[Finding]:
        literal = is_constant(given, behaviour.unbounded)
        if not literal and not self._unbounded_object(given):
            return
        fix = None
        stream_timeout = self._stream_timeout(call)
        bound = stream_timeout or str(self.check.default_timeout)
        if literal:
            fix = Fix(Applicability.UNSAFE, (node_edit(self.file, given, bound),),
                      f"replace `{ast.unparse(given)}` with `{bound}`")
        yield from self._judge(
            call, slot, behaviour, given=f"{slot.label}={_display(given)}", fix=fix,
            remedy=_stream_remedy(slot, stream_timeout) if stream_timeout else "pass a number of seconds",
        )

    def _stream_timeout(self, call: ast.Call) -> str | None:
        """For a long-lived stream (`stream=True`, `httpx.stream`, `client.stream(...)`), the
        timeout to suggest: bound the connection, not the read a stream keeps open by design."""
        streams = any(k.arg == "stream" and isinstance(k.value, ast.Constant) and k.value.value is True
                      for k in call.keywords) or (
            (call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")) == "stream")
        if not streams:
            return None
        qualified = self.names.of(call.func) or ""
        httpx = qualified.startswith("httpx") or "httpx" in ast.unparse(call.func)
        return f"httpx.Timeout({self.check.default_timeout}, read=None)" if httpx else f"({self.check.default_timeout}, None)"

    def _judge(
        self, call: ast.Call, slot: ArgumentSlot, behaviour: Behaviour, *, callee: str | None = None,
        via_client: str | None = None, given: str | None = None, fix: Fix | None = None,
        remedy: str | None = None,
    ) -> Iterable[Finding]:
        """The facts of one call that lacks its timeout (or passes an unbounded
        one), with the fix that adds it by keyword, judged by the rule."""
        stream_timeout = self._stream_timeout(call) if given is None else None
        if given is None and slot.keywords:
            keyword = slot.label
            value = stream_timeout or str(self.check.default_timeout)
            edit = add_keyword_edit(self.file, call, keyword, value)
            fix = Fix(Applicability.UNSAFE, (edit,), f"add `{keyword}={value}`") if edit else None
            if stream_timeout:
                remedy = _stream_remedy(slot, stream_timeout)
        line, end_line = call.lineno, call.end_lineno or call.lineno
        span = Span(line, self.file.char_column(line, call.col_offset),
                    end_line, self.file.char_column(end_line, call.end_col_offset or call.col_offset))
        finding = self.check.judge(self.file.path, OutboundCall(
            span, callee or self._callee(call), slot.label, behaviour, remedy or _remedy(slot), given=given,
            via_client=via_client, socket_default_set=self.socket_default_set, fix=fix,
        ))
        if finding is not None:
            yield finding

    def _unbounded_object(self, node: ast.expr) -> bool:
        """`aiohttp.ClientTimeout(total=None)`, `httpx.Timeout(None)`: no bound on reading."""
        if not isinstance(node, ast.Call):
            return False
        spec = self.check.timeout_objects.get(self.names.of(node.func) or "")
        if spec is None:
            return False
        for index, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                return False
            if index < len(spec.parameters) and spec.parameters[index] in spec.bounds and not is_constant(arg, (None,)):
                return False
        for keyword in node.keywords:
            if keyword.arg is None or (keyword.arg in spec.bounds and not is_constant(keyword.value, (None,))):
                return False
        return True

    @staticmethod
    def _dsn_may_set(call: ast.Call, slot: ArgumentSlot, markers: tuple[str, ...]) -> bool:
        """Does a connection string passed to `call` set the timeout, or might it?"""
        dsn = argument(call, slot)
        if dsn is None:
            return False
        if isinstance(dsn, ast.Constant) and isinstance(dsn.value, str):
            return any(marker in dsn.value for marker in markers)
        if isinstance(dsn, ast.JoinedStr):
            literal = "".join(v.value for v in dsn.values if isinstance(v, ast.Constant))
            if any(marker in literal for marker in markers):
                return True
            # A DSN composed here ("host={h} dbname={d}") shows all its keys;
            # an f-string that only wraps a variable may hide them.
            return not ("=" in literal or "://" in literal)
        return True  # a variable or a call: cannot read it

    def _callee(self, call: ast.Call) -> str:
        """"`rq.get(...)`", plus what it resolves to when the text does not say it."""
        text, qualified = _display(call.func), self.names.of(call.func)
        return f"`{text}(...)`" + (f" (`{qualified}`)" if qualified and qualified != text else "")


def _client_spec(
    call: ast.Call, names: QualifiedNames, clients: dict[str, ClientSpec], local_clients: dict[str, ClientSpec]
) -> ClientSpec | None:
    """The client spec when `call` creates a client object (a catalogued factory,
    or a subclass of one defined in the module)."""
    qualified = names.of(call.func)
    if qualified in clients:
        return clients[qualified]
    if isinstance(call.func, ast.Name) and names.binding_scope(call.func) is not None:
        return local_clients.get(call.func.id)
    return None


def _mentions_timeout(nodes: Iterable[ast.AST]) -> bool:
    """Does this code handle a timeout at all: a name, attribute, argument or string with it?"""
    for child in nodes:
        text = (getattr(child, "id", None) or getattr(child, "attr", None) or getattr(child, "arg", None)
                or (child.value if isinstance(child, ast.Constant) and isinstance(child.value, str) else ""))
        if "timeout" in str(text).lower():
            return True
    return False


def _stream_remedy(slot: ArgumentSlot, value: str) -> str:
    """A stream stays open as long as events come: a plain read timeout would cut it. Bound the rest."""
    return (f"it reads a long-lived stream, so bound the connection and leave the read open: `{slot.label}={value}` "
            f"(or a read timeout longer than the server's keep-alive interval)")


def _remedy(slot: ArgumentSlot) -> str:
    return f"pass `{slot.keywords[0]}=<seconds>`" if slot.keywords else f"pass a timeout as {slot.label}"


def _calls_method(nodes: Iterable[ast.AST], methods: frozenset[str]) -> bool:
    return any(
        isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr in methods
        for child in nodes
    )


def _display(node: ast.AST) -> str:
    """Source text of a callee or value, shortened for a message."""
    text = ast.unparse(node)
    return text if len(text) <= CALLEE_DISPLAY_MAX else text[: CALLEE_DISPLAY_MAX - 1] + "…"
