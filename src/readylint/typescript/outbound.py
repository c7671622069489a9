"""Outbound calls in TS/JS and their timeouts: RL101's facts for scripts.

The vocabulary is the `typescript` section of RL101's catalog. Each call
expression (or `new`) of the module is read once:

- a catalogued call (`fetch(url)`, `axios.get(url)`, `new Pool({...})`):
  its options object lacks every timeout key, or sets an unbounded value;
- a client's constructor (`axios.create({timeout: 0})`): unbounded values;
- a client's method (`api.get(url)`), when `ObjectFlow` traces the receiver
  to the client's factory and neither the call nor the factory bounds it.

An options object the analysis cannot read (a variable, a spread, a call)
may carry a timeout: silence, as for Python's `**kwargs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

from readylint.diagnostics import Applicability, Edit, Fix, Position
from readylint.discovery import matches_skip_paths
from readylint.outbound import Behaviour, OutboundCall, Span
from readylint.sources import SourceFile
from readylint.typescript.names import ModuleNames
from readylint.typescript.objects import ObjectFlow
from readylint.typescript.runtime import ScriptModule, runs_as_script, runs_in_browser, script_module
from readylint.typescript.tree import FUNCTION_KINDS, literal_prefix, text, unwrapped

CALLEE_DISPLAY_MAX = 60


class Unknown:
    """The options may set a timeout, but the analysis cannot see them."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class OptionSlot:
    """Where a call's options go and what in them (or after the call) bounds it."""

    position: int | None
    keys: tuple[str, ...] = ()
    url_optional: bool = False  # `axios(config)`: the options may come first
    chained: tuple[str, ...] = ()  # `.timeout(5000)` on the call's result
    fix: str | None = None  # "timeout: {ms}"

    @property
    def label(self) -> str:
        return self.keys[0] if self.keys else f".{self.chained[0]}()"

    def at(self, position: int) -> "OptionSlot":
        return OptionSlot(position, self.keys, self.url_optional, self.chained, self.fix)


@dataclass(frozen=True)
class ScriptCallSpec:
    slot: OptionSlot
    behaviour: Behaviour
    defaults_set: frozenset[str]


@dataclass(frozen=True)
class ScriptClientSpec:
    constructor: OptionSlot
    methods: dict[str, OptionSlot]
    callable: OptionSlot | None
    behaviour: Behaviour
    presets: tuple[str, ...]
    defaults_set: frozenset[str]


@dataclass(frozen=True)
class ScriptInjectedSpec:
    """A client a framework injects by type, configured where its module is registered."""

    registered_by: frozenset[str]
    registered_unreadably: frozenset[str]
    registration: OptionSlot
    methods: dict[str, OptionSlot]
    behaviour: Behaviour


@dataclass(frozen=True)
class ExportedClient:
    """A client object a module exports (`export const api = axios.create({...})`)."""

    name: str  # the exported name; "default" for `export default`
    factory: str  # the catalogued factory that made it: "axios.create"
    bounded: bool  # made with a timeout, or given one afterwards (`api.defaults.timeout = …`)


@dataclass(frozen=True)
class ImportedClientCall:
    """A call on a name another module exports (`import { api } from '@/lib/api'; api.get(url)`),
    with the facts it would be if that name is an unbounded client of each factory."""

    specifier: str
    name: str
    unbounded_as: tuple[tuple[str, OutboundCall], ...]  # (factory, the call's facts)


@dataclass(frozen=True)
class ScriptOutboundFacts:
    """What RL101's project pass reads of one TS/JS module."""

    module: ScriptModule
    exported: tuple[ExportedClient, ...] = ()
    imported_calls: tuple[ImportedClientCall, ...] = ()
    # Calls on injected clients lacking a timeout, by the client's type, and how
    # this module registers each type's framework module: "bounded", "unbounded", "unknown".
    injected_calls: tuple[tuple[str, OutboundCall], ...] = ()
    registrations: tuple[tuple[str, str], ...] = ()


# Names imported from what may be another module of the project (not a package
# from npm): `import api, { search as s } from '@/lib/http'` binds api and s.
PROJECT_IMPORT_RE = re.compile(
    r"""\bimport\s+(?!type\b)([\w$]+)?\s*,?\s*(?:\{([^}]*)\})?\s*from\s*['"](?:\.|@/|~|#|@[^/'"]+/)""")
NAME_RE = re.compile(r"[A-Za-z_$][\w$]*")
CALLED_NAME_RE = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(")


class ScriptCatalog:
    """RL101's `typescript` catalog section, read once per worker."""

    def __init__(self, section: dict[str, Any]):
        self.calls: dict[str, ScriptCallSpec] = {}
        for index, entry in enumerate(section.get("calls", [])):
            where = f"typescript.calls[{index}]"
            _require(entry, where, ("names", "timeout"))
            spec = ScriptCallSpec(_slot(entry, entry.get("options") or {}, entry["timeout"], where),
                                  Behaviour.from_yaml(entry), frozenset(entry.get("defaults_set", ())))
            self.calls.update(dict.fromkeys(entry["names"], spec))
        self.clients: dict[str, ScriptClientSpec] = {}
        for index, entry in enumerate(section.get("clients", [])):
            where = f"typescript.clients[{index}]"
            _require(entry, where, ("factories", "methods", "method_timeout"))
            callable_ = entry.get("callable")
            spec = ScriptClientSpec(
                constructor=_slot(entry, entry.get("options") or {}, entry.get("constructor_timeout") or {}, where),
                methods=_method_slots(entry, where),
                callable=_slot(entry, callable_, entry["method_timeout"], where) if callable_ else None,
                behaviour=Behaviour.from_yaml(entry),
                presets=tuple(entry.get("presets", ())),
                defaults_set=frozenset(entry.get("defaults_set", ())),
            )
            self.clients.update(dict.fromkeys(entry["factories"], spec))
        self.injected: dict[str, ScriptInjectedSpec] = {}
        for index, entry in enumerate(section.get("injected", [])):
            where = f"typescript.injected[{index}]"
            _require(entry, where, ("types", "methods", "method_timeout"))
            spec = ScriptInjectedSpec(
                frozenset(entry.get("registered_by", ())), frozenset(entry.get("registered_unreadably", ())),
                _slot(entry, {"position": 0}, entry.get("registration_timeout") or {}, where),
                _method_slots(entry, where), Behaviour.from_yaml(entry),
            )
            self.injected.update(dict.fromkeys(entry["types"], spec))
        self.registrations = {name: (key, spec) for key, spec in self.injected.items()
                              for name in spec.registered_by | spec.registered_unreadably}
        # Text that a module which injects or registers one of these must contain.
        self.injected_markers = tuple({key.rsplit(".", 1)[-1] for key in self.injected}
                                      | {name.rsplit(".", 2)[-2] for name in self.registrations})
        self.skip_paths = tuple(section.get("skip_paths", ()))
        self._skipped: dict[str, bool] = {}
        self.modules = frozenset(name.split(".")[0] for name in [*self.calls, *self.clients])
        modules = sorted(self.modules)
        # A file that names none of these modules (in an import or require) and
        # calls no global `fetch` has nothing to report, and is never parsed for RL101.
        self.prefilter = re.compile(
            r"""['"](?:node:)?(?:%s)['"/]|\bfetch\s*\(""" % "|".join(re.escape(m) for m in modules if m != "fetch")
        )

    @cached_property
    def method_call_re(self) -> re.Pattern[str]:
        """`receiver.method(` for every client method: the receivers are captured."""
        methods = "|".join(sorted(self.client_methods))
        return re.compile(rf"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*(?:{methods})\s*\(")

    def skipped(self, path: str) -> bool:
        """In a test, story or script (`skip_paths`)."""
        if path not in self._skipped:
            self._skipped[path] = matches_skip_paths(path, self.skip_paths)
        return self._skipped[path]

    @cached_property
    def client_methods(self) -> frozenset[str]:
        return frozenset(m for spec in self.clients.values() for m in spec.methods)


def _require(entry: Any, where: str, keys: tuple[str, ...]) -> None:
    missing = [key for key in keys if not isinstance(entry, dict) or not entry.get(key)]
    if missing:
        raise ValueError(f"RL101 catalog: {where} needs {', '.join(repr(k) for k in missing)} (got {entry!r})")


def _method_slots(entry: dict[str, Any], where: str) -> dict[str, OptionSlot]:
    """A client's `methods` (method -> where its options go), each with the client's `method_timeout`."""
    if not isinstance(entry["methods"], dict):
        raise ValueError(f"RL101 catalog: {where}: `methods` maps each method to its options' position "
                         f"(got {entry['methods']!r})")
    method = _slot(entry, {}, entry["method_timeout"], where)
    return {name: method.at(position) for name, position in entry["methods"].items()}


def _slot(entry: dict[str, Any], options: dict[str, Any], timeout: dict[str, Any], where: str) -> OptionSlot:
    if not isinstance(options, dict) or not isinstance(timeout, dict):
        raise ValueError(f"RL101 catalog: {where}: `options` and `timeout` must be mappings (got {entry!r})")
    return OptionSlot(options.get("position"), tuple(timeout.get("keys", ())), bool(options.get("url_optional")),
                      tuple(timeout.get("chained", ())), entry.get("fix"))


class ScriptAudit:
    """One TS/JS module: its names, its client objects, and its outbound calls lacking a timeout."""

    def __init__(self, catalog: ScriptCatalog, file: SourceFile, default_timeout: float):
        self.catalog = catalog
        self.file = file
        self.parse = file.script
        self.names = ModuleNames.for_file(file)
        self.milliseconds = _milliseconds(default_timeout)

    @cached_property
    def flow(self) -> ObjectFlow:
        # The test closes over the names and the catalog, not over this audit: an
        # audit -> flow -> audit cycle would keep the file's tree until a rare collection.
        names, clients = self.names, self.catalog.clients
        return ObjectFlow(self.parse, lambda node: _client_spec(node, names, clients) is not None)

    @cached_property
    def assigned(self) -> set[str]:
        """Qualified names of assignment targets (`axios.defaults.timeout = 5000`)."""
        return {name for node in self.parse.of("assignment")
                if (name := self.names.of(node.child_by_field_name("left")))}

    def client_of(self, node: Any) -> ScriptClientSpec | None:
        return _client_spec(node, self.names, self.catalog.clients)

    def calls(self) -> Iterable[OutboundCall]:
        # Browser code is out of scope; a one-off script (`main()` at its top level) waits on its operator.
        if runs_in_browser(self.file) or runs_as_script(self.file.text):
            return
        for node in [*self.parse.of("call"), *self.parse.of("new")]:
            callee = node.child_by_field_name(_callee_field(node))
            qualified = self.names.of(callee)
            if qualified in self.catalog.calls:
                yield from self._judge_call(node, qualified, self.catalog.calls[qualified])
            elif qualified in self.catalog.clients:
                yield from self._judge_constructor(node, qualified, self.catalog.clients[qualified])
            elif callee is not None:
                yield from self._judge_client_call(node, callee)

    def _judge_call(self, node: Any, qualified: str, spec: ScriptCallSpec) -> Iterable[OutboundCall]:
        if spec.defaults_set & self.assigned or _relative_url(node) or _module_asset(node):
            return
        yield from self._judge(node, spec.slot, spec.behaviour, callee=self._display_call(node, qualified))

    def _judge_constructor(self, node: Any, qualified: str, client: ScriptClientSpec) -> Iterable[OutboundCall]:
        given = self._given(node, client.constructor, client.behaviour)
        if isinstance(given, str):
            yield self._fact(node, client.constructor, client.behaviour, self._display_call(node, qualified),
                             given=given)

    # ------------------------------------------------------------ across modules

    def facts(self) -> ScriptOutboundFacts:
        module = script_module(self.file)
        if module.browser or self.catalog.skipped(self.file.path) or self.parse.unreadable:
            return ScriptOutboundFacts(module)
        exported = tuple(self.exported_clients()) if self.catalog.prefilter.search(self.file.text) else ()
        imported = tuple(self.imported_client_calls()) if self._may_call_imported_clients() else ()
        injected = registrations = ()
        if any(marker in self.file.text for marker in self.catalog.injected_markers):
            injected, registrations = tuple(self.injected_calls()), tuple(self.registrations())
        return ScriptOutboundFacts(module, exported, imported, injected, registrations)

    def injected_calls(self) -> Iterable[tuple[str, OutboundCall]]:
        """`this.http.post(url)` on `constructor(private http: HttpService)`, or on a parameter of that type."""
        for node in self.parse.of("call"):
            callee = unwrapped(node.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            receiver = unwrapped(callee.child_by_field_name("object"))
            type_node = self.flow.declared_type(receiver)
            key = self.names.of(type_node) if type_node is not None else None
            spec = self.catalog.injected.get(key or "")
            slot = spec.methods.get(text(callee.child_by_field_name("property"))) if spec else None
            if slot is None:
                continue
            for call in self._judge(node, slot, spec.behaviour, callee=f"`{_display(callee)}(...)`",
                                    via_client=f"the injected `{text(type_node)}` (registered without a timeout)",
                                    fixable=False):
                yield key, call

    def registrations(self) -> Iterable[tuple[str, str]]:
        """How this module registers injected clients' framework modules (`HttpModule.register({timeout})`)."""
        for node in self.parse.of("call"):
            qualified = self.names.of(node.child_by_field_name("function"))
            if qualified not in self.catalog.registrations:
                continue
            key, spec = self.catalog.registrations[qualified]
            if qualified in spec.registered_unreadably:
                yield key, "unknown"
                continue
            given = self._given(node, spec.registration, spec.behaviour)
            yield key, "unknown" if given is UNKNOWN else "bounded" if given is True else "unbounded"

    def _may_call_imported_clients(self) -> bool:
        """A text test before the tree is indexed: does the module call a client
        method on a name it imports from the project (`api.post(`), or call a
        default import (`client(`)?"""
        text_ = self.file.text
        named, default = set(), set()
        for match in PROJECT_IMPORT_RE.finditer(text_):
            if match.group(1):
                default.add(match.group(1))
            for part in (match.group(2) or "").split(","):
                words = NAME_RE.findall(part)
                if words and words[0] != "type":
                    named.add(words[-1])
        if not named and not default:
            return False
        if not (named | default).isdisjoint(self.catalog.method_call_re.findall(text_)):
            return True
        return bool(default) and not default.isdisjoint(CALLED_NAME_RE.findall(text_))

    def exported_clients(self) -> list[ExportedClient]:
        exported: list[ExportedClient] = []
        for statement in self.parse.of("export"):
            if statement.child_by_field_name("source") is not None:
                continue  # `export { x } from './y'`: the other module's business
            declaration, value = statement.child_by_field_name("declaration"), statement.child_by_field_name("value")
            if value is not None:
                exported += self._exported("default", self.flow.origins(value))
            elif declaration is not None and declaration.type == "lexical_declaration":
                for declarator in declaration.named_children:
                    name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                    if name is not None and name.type == "identifier":
                        exported += self._exported(text(name), self.flow.origins_of_name(text(name)))
            else:
                for clause in (c for c in statement.named_children if c.type == "export_clause"):
                    for specifier in clause.named_children:
                        local, alias = specifier.child_by_field_name("name"), specifier.child_by_field_name("alias")
                        exported += self._exported(text(alias if alias is not None else local),
                                                   self.flow.origins_of_name(text(local)))
        return exported

    def _exported(self, name: str, origins: list[Any] | None) -> list[ExportedClient]:
        if not origins:
            return []
        factories = {self.names.of(o.child_by_field_name(_callee_field(o))) for o in origins}
        if len(factories) != 1:
            return []
        factory = factories.pop()
        client = self.catalog.clients[factory]
        bounded = bool(client.defaults_set & self.assigned) or any(self._preset(o, client) for o in origins)
        return [ExportedClient(name, factory, bounded)]

    def imported_client_calls(self) -> list[ImportedClientCall]:
        """Calls that may be on a client another module made: judged in the project pass."""
        found = []
        for node in self.parse.of("call"):
            callee = unwrapped(node.child_by_field_name("function"))
            if callee is None:
                continue
            if callee.type == "member_expression":
                method, receiver = text(callee.child_by_field_name("property")), callee.child_by_field_name("object")
            else:
                method, receiver = None, callee
            if receiver is None or receiver.type != "identifier" or text(receiver) not in self.names.bindings:
                continue
            if method is not None and method not in self.catalog.client_methods:
                continue
            module, name = self.names.bindings[text(receiver)]
            if module in self.catalog.modules or module.split("/")[0] in self.catalog.modules:
                continue
            facts = []
            for factory, client in self.catalog.clients.items():
                slot = client.methods.get(method) if method else client.callable
                if slot is None:
                    continue
                facts += [(factory, call) for call in self._judge(
                    node, slot, client.behaviour, callee=f"`{_display(callee)}(...)`",
                    via_client=f"the client `{name if name != 'default' else text(receiver)}` it imports from "
                               f"`{module}`", fixable=False)]
            if facts:
                found.append(ImportedClientCall(module, name, tuple(facts)))
        return found

    def _judge_client_call(self, node: Any, callee: Any) -> Iterable[OutboundCall]:
        """`api.get(url)` or `api(config)` on a client made in this module."""
        callee = unwrapped(callee)
        if callee.type == "member_expression":
            method = text(callee.child_by_field_name("property"))
            if method not in self.catalog.client_methods:
                return
            receiver = callee.child_by_field_name("object")
        elif callee.type == "identifier":
            method, receiver = None, callee
        else:
            return
        origins = self.flow.origins(receiver)
        if not origins:
            return
        clients = {id(spec): spec for origin in origins if (spec := self.client_of(origin))}
        if len(clients) != 1:
            return
        client = next(iter(clients.values()))
        slot = client.methods.get(method) if method else client.callable
        if slot is None:
            return
        if client.defaults_set & self.assigned or any(self._preset(origin, client) for origin in origins):
            return
        lines = ", ".join(sorted({str(o.start_point[0] + 1) for o in origins}))
        maker = _display(origins[0].child_by_field_name(_callee_field(origins[0])))
        yield from self._judge(node, slot, client.behaviour, callee=f"`{_display(callee)}(...)`",
                               via_client=f"the `{maker}()` it is called on (line {lines})")

    def _preset(self, origin: Any, client: ScriptClientSpec) -> bool:
        """The client sets a timeout where it is made, or later (`api.defaults.timeout = …`)."""
        if self._given(origin, client.constructor, client.behaviour) is not None:
            return True
        for assignment in self.parse.of("assignment") if client.presets else ():
            target = assignment.child_by_field_name("left")
            for preset in client.presets:
                if text(target).endswith("." + preset):
                    holder = target
                    for _ in range(preset.count(".") + 1):
                        holder = holder.child_by_field_name("object") if holder.type == "member_expression" else None
                        if holder is None:
                            break
                    if holder is not None and origin in (self.flow.origins(holder) or ()):
                        return True
        return False

    def _judge(self, node: Any, slot: OptionSlot, behaviour: Behaviour, *, fixable: bool = True,
               **details: Any) -> Iterable[OutboundCall]:
        given = self._given(node, slot, behaviour)
        if given is UNKNOWN or given is True:
            return
        if given is None and self._chained(node, slot):
            return
        fix = self._add_fix(node, slot) if given is None and fixable else None
        yield self._fact(node, slot, behaviour, given=given, fix=fix, **details)

    def _fact(self, node: Any, slot: OptionSlot, behaviour: Behaviour, callee: str, *, given: str | None = None,
              via_client: str | None = None, fix: Fix | None = None) -> OutboundCall:
        if given is not None and given.startswith("signal:"):
            remedy = "pass `AbortSignal.timeout(ms)` (with `AbortSignal.any([...])` to keep another signal)"
        elif given is not None:
            remedy = "pass a number of milliseconds"
        elif slot.fix:
            remedy = f"pass `{self._property(slot)}`"
        else:
            remedy = f"call `.{slot.chained[0]}(ms)` on it"
        return OutboundCall(self._span(node), callee, slot.label, behaviour, remedy, given=given,
                            via_client=via_client, fix=fix)

    # ------------------------------------------------------------ reading options

    def _given(self, node: Any, slot: OptionSlot, behaviour: Behaviour) -> Any:
        """What the call passes for the timeout: None (nothing), True (a bound),
        UNKNOWN (the options may hide one), or the text of an unbounded value."""
        if not slot.keys or slot.position is None:
            return None
        options = self._options(node, slot)
        if options is None or options is UNKNOWN:
            return options
        bound = None
        for part in options.named_children:
            if part.type == "spread_element":
                return UNKNOWN
            if part.type == "shorthand_property_identifier" and text(part) in slot.keys:
                return True
            if part.type != "pair":
                continue
            key = part.child_by_field_name("key")
            name = text(key).strip("'\"") if key is not None else ""
            if name not in slot.keys:
                continue
            value = unwrapped(part.child_by_field_name("value"))
            if _is_unbounded_literal(value, behaviour.unbounded) or self._never_aborts(name, value):
                bound = bound or f"{name}: {_display(value)}"
            else:
                return True
        return bound

    def _options(self, node: Any, slot: OptionSlot) -> Any:
        """The options object literal, None when none is passed, UNKNOWN when it cannot be read."""
        arguments = node.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if any(a.type == "spread_element" for a in args[: slot.position + 1]):
            return UNKNOWN
        if slot.url_optional and args:
            first = unwrapped(args[0])
            if first.type == "object":
                return first
            if len(args) == 1 and literal_prefix(first) is None:
                return UNKNOWN  # `axios(config)` with the config in a variable
        if slot.position >= len(args):
            return None
        value = unwrapped(args[slot.position])
        if value.type == "object":
            return value
        if value.type in ("undefined", "null") or value.type in FUNCTION_KINDS:
            return None  # `https.get(url, (res) => ...)`: the options left out before a callback
        return UNKNOWN

    def _never_aborts(self, key: str, value: Any) -> bool:
        """`signal: controller.signal` from `new AbortController()` that nothing in the module aborts."""
        if key != "signal" or value is None or value.type != "member_expression":
            return False
        holder = value.child_by_field_name("object")
        if holder is None or holder.type != "identifier":
            return False
        name = text(holder)
        made = [unwrapped(d.child_by_field_name("value")) for d in self.parse.of("declarator")
                if text(d.child_by_field_name("name")) == name]
        if not made or not all(v is not None and v.type == "new_expression"
                               and text(v.child_by_field_name("constructor")) == "AbortController" for v in made):
            return False
        return not re.search(rf"\b{re.escape(name)}\s*\.\s*abort\s*\(", self.file.text)

    def _chained(self, node: Any, slot: OptionSlot) -> bool:
        """The call's result gets a bound afterwards: `.timeout(5000)` in the
        chain, or on the variable it is stored in (`req.setTimeout(5000)`)."""
        if not slot.chained:
            return False
        current = node
        while current.parent is not None and current.parent.type in ("member_expression", "call_expression",
                                                                      "await_expression", "parenthesized_expression"):
            parent = current.parent
            if parent.type == "member_expression" and text(parent.child_by_field_name("property")) in slot.chained:
                return True
            current = parent
        holder = current.parent
        if holder is not None and holder.type == "variable_declarator":
            name = text(holder.child_by_field_name("name"))
            methods = "|".join(re.escape(m) for m in slot.chained)
            return bool(re.search(rf"\b{re.escape(name)}\s*\.\s*(?:{methods})\s*\(", self.file.text))
        return False

    # ------------------------------------------------------------ reporting

    def _span(self, node: Any) -> Span:
        (line, column), (end_line, end_column) = node.start_point, node.end_point
        return Span(line + 1, self._column(line + 1, column), end_line + 1, self._column(end_line + 1, end_column))

    def _column(self, line: int, byte_column: int) -> int:
        return self.file.char_column(line, byte_column)

    def _position(self, point: tuple[int, int]) -> Position:
        return Position(point[0] + 1, self._column(point[0] + 1, point[1]))

    def _byte_position(self, offset: int) -> Position:
        source = self.parse.source
        line_start = source.rfind(b"\n", 0, offset) + 1
        line = source.count(b"\n", 0, offset) + 1
        return Position(line, self._column(line, offset - line_start))

    def _property(self, slot: OptionSlot) -> str:
        return slot.fix.replace("{ms}", self.milliseconds)

    def _add_fix(self, node: Any, slot: OptionSlot) -> Fix | None:
        """Add the timeout property to the options object, or the object itself."""
        if not slot.fix or slot.position is None:
            return None
        prop = self._property(slot)
        options = self._options(node, slot)
        if options is None:
            arguments = node.child_by_field_name("arguments")
            if arguments is None:  # `new Pool` without parentheses
                return None
            args = arguments.named_children
            if slot.url_optional and args and unwrapped(args[0]).type == "object":
                return None
            present = len(args)
            held = unwrapped(args[slot.position]) if slot.position < present else None
            if held is not None and held.type in ("undefined", "null"):
                edit = Edit(self._position(held.start_point), self._position(held.end_point), f"{{ {prop} }}")
            elif held is not None:  # a callback where the options go: they come before it
                at = self._position(args[slot.position].start_point)
                edit = Edit(at, at, f"{{ {prop} }}, ")
            else:
                fillers = ["undefined"] * (slot.position - present)
                before = ", " if present else ""
                close = arguments.children[-1]
                between = self.parse.source[args[-1].end_byte:close.start_byte].decode() if present else ""
                if between.strip().startswith(","):
                    before = " "
                edit = Edit(self._position(close.start_point), self._position(close.start_point),
                            before + ", ".join([*fillers, f"{{ {prop} }}"]))
        elif options is UNKNOWN:
            return None
        else:
            edit = self._insert_property(options, prop)
        return Fix(Applicability.UNSAFE, (edit,), f"add `{prop}`")

    def _insert_property(self, obj: Any, prop: str) -> Edit:
        parts = obj.named_children
        close = obj.children[-1]
        if not parts:
            start, end = self._position(obj.children[0].end_point), self._position(close.start_point)
            return Edit(start, end, f" {prop} ")
        last = parts[-1]
        between = self.parse.source[last.end_byte:close.start_byte].decode()
        trailing_comma = between.strip().startswith(",")
        if close.start_point[0] > last.end_point[0]:
            # One property per line: add another, indented like the last.
            line_text = self.file.line(last.start_point[0] + 1)
            indent = line_text[: len(line_text) - len(line_text.lstrip())]
            if trailing_comma:
                at = self._byte_position(last.end_byte + between.encode().index(b",") + 1)
                return Edit(at, at, f"\n{indent}{prop},")
            at = self._position(last.end_point)
            return Edit(at, at, f",\n{indent}{prop}")
        at = self._position(last.end_point)
        return Edit(at, at, f", {prop}")

    def _display_call(self, node: Any, qualified: str) -> str:
        callee = node.child_by_field_name(_callee_field(node))
        shown = ("new " if node.type == "new_expression" else "") + _display(callee)
        plain = _display(callee)
        return f"`{shown}(...)`" + (f" (`{qualified}`)" if qualified != plain else "")


def _client_spec(node: Any, names: ModuleNames, clients: dict[str, ScriptClientSpec]) -> ScriptClientSpec | None:
    """The client a call or `new` makes, if it calls a catalogued factory."""
    return clients.get(names.of(node.child_by_field_name(_callee_field(node))) or "")


def _callee_field(node: Any) -> str:
    return "constructor" if node.type == "new_expression" else "function"


def _relative_url(node: Any) -> bool:
    """`fetch('/api/users')`: a path on the page's own origin, so browser code."""
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
    prefix = literal_prefix(unwrapped(first)) if first is not None else None
    return bool(prefix) and prefix.startswith("/") and not prefix.startswith("//")


def _module_asset(node: Any) -> bool:
    """`fetch(new URL('./font.ttf', import.meta.url))`: a file bundled with the module, not the network."""
    arguments = node.child_by_field_name("arguments")
    first = unwrapped(arguments.named_children[0]) if arguments is not None and arguments.named_child_count else None
    if first is None or first.type != "new_expression" or text(first.child_by_field_name("constructor")) != "URL":
        return False
    url_arguments = first.child_by_field_name("arguments")
    return url_arguments is not None and any(
        " ".join(text(a).split()) == "import.meta.url" for a in url_arguments.named_children[1:2])


def _is_unbounded_literal(node: Any, unbounded: tuple) -> bool:
    if node is None:
        return False
    if node.type in ("null", "undefined") or (node.type == "identifier" and text(node) == "undefined"):
        return None in unbounded
    if node.type in ("false", "true"):
        return (node.type == "true") in [v for v in unbounded if isinstance(v, bool)]
    if node.type == "number":
        try:
            value = float(text(node).replace("_", ""))
        except ValueError:
            return False
        return any(not isinstance(v, bool) and isinstance(v, (int, float)) and v == value for v in unbounded)
    return False


def _milliseconds(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms:_}"


def _display(node: Any) -> str:
    shown = " ".join(text(node).split()) if node is not None else "?"
    return shown if len(shown) <= CALLEE_DISPLAY_MAX else shown[: CALLEE_DISPLAY_MAX - 1] + "…"
