"""RL201's facts for one TS/JS module: each function's writes, path by path.

The walk follows tree-sitter statements with the path algebra Python's walk
uses (`readylint.writepaths`), so `if`, loops, `try` and early returns mean
the same in both languages. What is a write, and which code runs in a
transaction, comes from `typescript/dataaccess.py`. JavaScript adds callbacks:

    items.forEach(async (i) => { await write(i) })       the body is a loop body
    await Promise.all(items.map((i) => write(i)))         ... so is this one
    p.then(() => write())                                 runs after p, in sequence
    new Promise((resolve) => ...)                         runs at once, in place
    await prisma.$transaction(async (tx) => { ... })      runs in one transaction
    await prisma.$transaction([write(a), write(b)])       so do these writes

Any other function literal (a route handler passed to `app.post`, a
listener) is a function of its own, judged by itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readylint.sources import SourceFile
from readylint.typescript.dataaccess import (
    BEGIN, END, PROJECT_SPECIFIER_PREFIXES, WRITE, ScriptAccess, ScriptDataAccess, following_call, root_of,
    short_text,
)
from readylint.typescript.modules import ReExport, re_exports
from readylint.typescript.tree import FUNCTION_KINDS, is_endless, string_value, text, unwrapped
from readylint.writepaths import (
    NOTHING, Event, External, FunctionFacts, HelperCall, ImportedCall, Path, Paths, Write, attempt,
    autocommit_writes, calls_other_modules, leaves_process, loop, then,
)

if TYPE_CHECKING:
    from readylint.checks.multi_write_without_transaction import MultiWriteWithoutTransaction

# How deep writes of same-module helpers are followed.
MAX_HELPER_DEPTH = 3
# Libraries whose transaction callback hands over the client to write through: a write
# on another client (the module's `prisma`, `db`, `knex`) runs outside the transaction.
BYPASSABLE = frozenset({"prisma", "drizzle", "knex", "kysely"})
# `prisma.$transaction(async () => ...)`: Prisma hands its transaction to the callback only, so a
# callback that takes no client runs no write in it; it runs in place, as any callback would.
PRISMA_INTERACTIVE = "$transaction"
# Prisma writes whose row count tells whether a claim succeeded.
CLAIM_METHODS = frozenset({"updateMany", "deleteMany"})
# Callback kinds: how a function literal passed to a call runs.
LOOP, SEQUENCE, TRANSACTION = "loop", "sequence", "transaction"
DECLARATIONS = frozenset({
    "function_declaration", "generator_function_declaration", "class_declaration", "abstract_class_declaration",
    "import_statement", "type_alias_declaration", "interface_declaration", "enum_declaration", "comment",
    "empty_statement", "debugger_statement", "ambient_declaration", "module", "internal_module",
})
NAMED_UNITS = frozenset({"function_declaration", "generator_function_declaration", "method_definition"})


def _key(node: Any) -> tuple[int, int]:
    return node.start_byte, node.end_byte


@dataclass
class ScriptWriteFacts:
    """What RL201's project pass reads of one TS/JS module."""

    functions: list[FunctionFacts]
    re_exports: tuple[ReExport, ...] = ()
    # The function `export default` names, by qualname.
    default_export: str = ""
    # Module-level names for what leaves the process: `export const stripe = new Stripe(key)`,
    # `export const execAsync = promisify(exec)`. Calls of them elsewhere cut a path.
    external_names: tuple[str, ...] = ()


@dataclass
class _Unit:
    node: Any
    qualname: str
    name: str  # how a message names it
    class_name: str = ""
    helper_calls: list[tuple[str, bool]] = field(default_factory=list)


class ScriptWriteAnalysis:
    """The walk of one module's functions."""

    def __init__(self, check: "MultiWriteWithoutTransaction", file: SourceFile):
        self.check = check
        self.file = file
        parse = file.script
        self.model = ScriptDataAccess.for_file(file, check.script_spec)
        # In source order, for the range lookups.
        self.calls = parse.of("call")
        self.call_starts = [c.start_byte for c in self.calls]
        self.functions = parse.of("function")
        self.function_starts = [f.start_byte for f in self.functions]
        self.accesses: dict[tuple[int, int], ScriptAccess] = {}
        self.callback_kind: dict[tuple[int, int], str] = {}
        transaction_ranges: list[tuple[int, int]] = []
        background_ranges: list[tuple[int, int]] = []
        self.deferred_batches: list[int] = []  # where `$transaction(steps)` runs queries made earlier
        # (start, end, the client it is given) of each transaction callback.
        self.transaction_callbacks: list[tuple[int, int, str | None]] = []
        self.clientless_transactions: list[tuple[int, int]] = []  # `$transaction(async () => ...)`
        markers: list[ScriptAccess] = []
        for call in self.calls:
            access = self.model.access(call)
            if access is not None:
                self.accesses[_key(call)] = access
                if access.action in (BEGIN, END):
                    markers.append(access)
            kind = self._callback_kind(call)
            arguments = call.child_by_field_name("arguments")
            if kind is not None and arguments is not None:
                for argument in arguments.named_children:
                    function = unwrapped(argument)
                    if function is None or function.type not in FUNCTION_KINDS:
                        continue
                    if kind == TRANSACTION and _called_as(function, PRISMA_INTERACTIVE) and \
                            _first_parameter(function) is None:
                        self.callback_kind[_key(function)] = SEQUENCE
                        self.clientless_transactions.append(_key(function))
                        continue
                    self.callback_kind[_key(function)] = kind
                    if kind == TRANSACTION:
                        transaction_ranges.append(_key(argument))
                        self.transaction_callbacks.append((function.start_byte, function.end_byte,
                                                           _first_parameter(function)))
            if arguments is not None:
                if self.model.batches(call):
                    transaction_ranges.append(_key(arguments))
                if self.model.batches_deferred(call):
                    self.deferred_batches.append(call.start_byte)
                if self.model.in_background(call):
                    background_ranges.append(_key(arguments))
        for made in parse.of("new"):
            # `new Promise((resolve) => ...)` runs its executor at once, in place.
            constructor, arguments = made.child_by_field_name("constructor"), made.child_by_field_name("arguments")
            if constructor is not None and text(constructor) == "Promise" and arguments is not None:
                for argument in arguments.named_children:
                    if unwrapped(argument) is not None and unwrapped(argument).type in FUNCTION_KINDS:
                        self.callback_kind[_key(unwrapped(argument))] = SEQUENCE
        self.transaction_ranges = sorted(transaction_ranges + self._imperative_scopes(markers))
        self.background_ranges = sorted(background_ranges)
        self.external_names = self._external_names(check.script_external_packages)
        self.units = self._units()
        self.module_functions = {unit.qualname: unit for unit in self.units
                                 if "." not in unit.qualname and not unit.class_name}
        self.methods = {(unit.class_name, unit.qualname.split(".", 1)[1]): unit
                        for unit in self.units if unit.class_name}
        self.method_names = frozenset(name for _, name in self.methods)
        self._helper_effects: dict[tuple[int, int], tuple[tuple[Write, ...], bool] | None] = {}
        self.write_starts = sorted(a.call.start_byte for a in self.accesses.values() if a.action == WRITE)
        self.helper_starts = sorted(c.start_byte for c in self.calls if self._may_call_helper(c))
        self.imported_starts = sorted(c.start_byte for c in self.calls if self.imported_function(c) is not None)
        self.external_starts = sorted(c.start_byte for c in self.calls if self.is_external(c))

    # ------------------------------------------------------------ the module's functions

    def _external_names(self, packages: frozenset[str]) -> frozenset[str]:
        """Names whose calls leave the process: imports of those packages (`axios`, `execa`,
        `{ exec }` from child_process), and clients made from or around them
        (`const stripe = new Stripe(key)`, `const execAsync = promisify(exec)`)."""
        names = {local for local, (module, _) in self.model.names.bindings.items()
                 if module in packages or module.split("/")[0] in packages
                 or "/".join(module.split("/")[:2]) in packages}
        if not names:
            return frozenset({"fetch"})
        for declarator in self.model.parse.of("declarator"):
            pattern, value = declarator.child_by_field_name("name"), unwrapped(declarator.child_by_field_name("value"))
            if pattern is None or pattern.type != "identifier" or value is None:
                continue
            arguments = value.child_by_field_name("arguments") if value.type == "call_expression" else None
            wrapped = arguments is not None and any(
                _root_name(argument) in names for argument in arguments.named_children)  # `promisify(exec)`
            if _root_name(value) in names or wrapped:
                names.add(text(pattern))
        return frozenset(names | {"fetch"})

    def is_external(self, call: Any) -> bool:
        return _root_name(call) in self.external_names

    def _callback_kind(self, call: Any) -> str | None:
        if self.model.transaction_callback(call):
            return TRANSACTION
        if self.model.loop_callback(call):
            return LOOP
        if self.model.sequence_callback(call):
            return SEQUENCE
        return None

    @staticmethod
    def _imperative_scopes(markers: list[ScriptAccess]) -> list[tuple[int, int]]:
        """`query('BEGIN')` ... `query('COMMIT')`, `startTransaction()` ... `commitTransaction()`:
        the code between a begin and the next end runs in one transaction."""
        scopes = []
        begun: int | None = None
        for marker in sorted(markers, key=lambda a: a.call.start_byte):
            if marker.action == BEGIN and begun is None:
                begun = marker.call.end_byte
            elif marker.action == END and begun is not None:
                scopes.append((begun, marker.call.start_byte))
                begun = None
        if begun is not None:
            scopes.append((begun, 1 << 62))
        return scopes

    def _units(self) -> list[_Unit]:
        units = []
        seen: dict[str, int] = {}
        for node in self.functions:
            if _key(node) in self.callback_kind:
                continue  # walked where it runs
            qualname, name, class_name = _name_of(node)
            seen[qualname] = seen.get(qualname, 0) + 1
            if seen[qualname] > 1:
                qualname = f"{qualname}#{seen[qualname]}"
            units.append(_Unit(node, qualname, name, class_name))
        return units

    def _may_call_helper(self, call: Any) -> bool:
        function = call.child_by_field_name("function")
        if function is None:
            return False
        if function.type == "identifier":
            return text(function) in self.module_functions
        if function.type == "member_expression":
            receiver = unwrapped(function.child_by_field_name("object"))
            return receiver is not None and receiver.type == "this" and \
                text(function.child_by_field_name("property")) in self.method_names
        return False

    def _may_write(self, unit: _Unit) -> bool:
        """Whether walking the function can find anything: a write (what its callers in other
        modules count), a call of a helper of this module, or two calls of other modules' functions."""
        start, end = unit.node.start_byte, unit.node.end_byte
        return (_count_between(self.write_starts, start, end) > 0 or _count_between(self.helper_starts, start, end) > 0
                or _count_between(self.imported_starts, start, end) > 1
                or (_exportable(unit) and _count_between(self.external_starts, start, end) > 0))

    def in_transaction(self, node: Any) -> bool:
        return _within(self.transaction_ranges, node)

    def held_by_transaction(self, call: Any) -> bool:
        """Whether a call of a function runs in a transaction around it: it is inside one, and,
        in a callback handed a client (`async (tx) => ...`), it passes that client on. A function
        called without it writes through its own client, outside the transaction."""
        if not self.in_transaction(call):
            return False
        around = [(start, client) for start, end, client in self.transaction_callbacks
                  if start <= call.start_byte and call.end_byte <= end]
        if not around:
            return True  # a batch, a BEGIN ... COMMIT, or no callback of ours
        client = max(around)[1]
        arguments = call.child_by_field_name("arguments")
        # Given as an argument, or in an object of them (`{ tx, runId }`).
        return client is None or (arguments is not None and re.search(
            rf"(?<![\w$.]){re.escape(client)}(?![\w$])", text(arguments)) is not None)

    def in_background(self, node: Any) -> bool:
        return _within(self.background_ranges, node)

    def not_on_path(self, access: ScriptAccess, unit: _Unit) -> bool:
        """A write that does not happen where it is written, or not with the others:
        run after the response (`waitUntil`), best effort (`.catch(...)` on it), a claim
        (an update whose row count decides whether the work goes on), or a lazy
        Prisma query stored for a batch transaction the same function runs."""
        call = access.call
        if self.in_background(call) or self.model.is_best_effort(call) or _not_awaited(call):
            return True
        if access.framework != "prisma":
            return False
        if access.method in CLAIM_METHODS and _claims(call, unit):
            return True
        if not _stored(call):
            return False
        start, end = unit.node.start_byte, unit.node.end_byte
        return any(start <= batch < end for batch in self.deferred_batches)

    def facts(self) -> ScriptWriteFacts:
        imported = self._imported_calls()
        functions = []
        for unit in self.units:
            paths = ScriptWalker(self, unit).paths() if self._may_write(unit) else set()
            line = unit.node.start_point[0] + 1
            column = self.file.char_column(line, unit.node.start_point[1])
            name_node = unit.node.child_by_field_name("name")
            end = name_node if name_node is not None else unit.node
            end_column = self.file.char_column(end.end_point[0] + 1, end.end_point[1]) if end.end_point[0] + 1 == line \
                else column + 1
            transactional = self.transactional(unit)
            facts = FunctionFacts(
                qualname=unit.qualname, line=line, column=column, end_column=end_column, name=unit.name,
                transactional=transactional, calls=unit.helper_calls,
                imported_calls=imported.get(_key(unit.node), []),
                writes=() if transactional or not _exportable(unit) else autocommit_writes(paths),
                leaves_process=_exportable(unit) and leaves_process(paths),
                open_paths=calls_other_modules(paths),
            )
            facts.problem = self.check.problem(unit.name, paths)
            if facts.problem or facts.calls or facts.imported_calls or facts.writes or facts.leaves_process:
                functions.append(facts)
        module_text = self.file.text
        bound_here = self.external_names - set(self.model.names.bindings) - {"fetch"}
        return ScriptWriteFacts(functions, re_exports(module_text) if "export" in module_text else (),
                                self._default_export(), tuple(sorted(bound_here)))

    def _default_export(self) -> str:
        for unit in self.units:
            parent = unit.node.parent
            if parent is not None and parent.type == "export_statement" and any(
                    child.type == "default" for child in parent.children):
                return unit.qualname
        return ""

    def transactional(self, unit: _Unit) -> bool:
        if unit.node.type != "method_definition":
            return False
        decorators = self.check.script_spec.transaction_decorators
        sibling = unit.node.prev_named_sibling
        while sibling is not None and sibling.type == "decorator":
            expression = sibling.named_children[0] if sibling.named_child_count else None
            if expression is not None and expression.type == "call_expression":
                expression = expression.child_by_field_name("function")
            if expression is not None and text(expression).rsplit(".", 1)[-1] in decorators:
                return True
            sibling = sibling.prev_named_sibling
        return False

    def imported_root(self, call: Any) -> tuple[str, str] | None:
        """(specifier, name) when a method call starts from a name imported from a project
        module: `stripe.customers.create(...)` with `import { stripe } from '@/lib/stripe'`."""
        function = call.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        binding = self.model.names.bindings.get(_root_name(function))
        if binding is None or binding[1] == "*" or not binding[0].startswith(PROJECT_SPECIFIER_PREFIXES):
            return None
        return binding

    def imported_function(self, call: Any) -> tuple[str, str] | None:
        """(specifier, name) when the call runs a function imported from a project module:
        `createOrder(...)` (`import { createOrder } from '@/lib/orders'`), `orders.create(...)`
        (`import * as orders`)."""
        bindings = self.model.names.bindings
        function = call.child_by_field_name("function")
        binding = None
        if function is not None and function.type == "identifier":
            binding = bindings.get(text(function))
        elif function is not None and function.type == "member_expression":
            namespace = bindings.get(text(function.child_by_field_name("object")))
            if namespace is not None and namespace[1] == "*":
                binding = (namespace[0], text(function.child_by_field_name("property")))
        if binding is None or binding[1] == "*" or not binding[0].startswith(PROJECT_SPECIFIER_PREFIXES):
            return None
        return binding

    def _imported_calls(self) -> dict[tuple[int, int], list[tuple[str, str, bool]]]:
        """Each function's calls of names imported from project modules, with whether each
        runs in a transaction (for "every caller of this function wraps it")."""
        found: dict[tuple[int, int], list[tuple[str, str, bool]]] = {}
        unit_starts = [u.node.start_byte for u in self.units]
        for call in self.calls:
            binding = self.imported_function(call) or self.imported_root(call)
            if binding is None:
                continue
            owner = self._innermost_unit(call, unit_starts)
            if owner is not None:
                found.setdefault(_key(owner.node), []).append((binding[0], binding[1], self.held_by_transaction(call)))
        return found

    def _innermost_unit(self, node: Any, unit_starts: list[int]) -> _Unit | None:
        index = bisect.bisect_right(unit_starts, node.start_byte) - 1
        while index >= 0:
            unit = self.units[index]
            if unit.node.end_byte >= node.end_byte:
                return unit
            index -= 1
        return None

    # ------------------------------------------------------------ helpers

    def resolve_helper(self, call: Any, unit: _Unit) -> _Unit | None:
        """The same-module function a call runs: `helper(...)` or `this.method(...)`."""
        function = call.child_by_field_name("function")
        if function is None:
            return None
        if function.type == "identifier":
            return self.module_functions.get(text(function))
        if function.type == "member_expression" and unit.class_name:
            receiver = unwrapped(function.child_by_field_name("object"))
            if receiver is not None and receiver.type == "this":
                return self.methods.get((unit.class_name, text(function.child_by_field_name("property"))))
        return None

    def helper_effects(self, unit: _Unit, depth: int) -> tuple[tuple[Write, ...], bool]:
        """The autocommit writes a helper makes outside transactions (() when it is
        transactional or makes none), and whether it calls out of the process."""
        key = _key(unit.node)
        if key in self._helper_effects:
            return self._helper_effects[key] or ((), False)
        self._helper_effects[key] = None  # recursion: counts as doing nothing
        effects: tuple[tuple[Write, ...], bool] = ((), False)
        if depth <= MAX_HELPER_DEPTH and not self.transactional(unit):
            paths = ScriptWalker(self, unit, depth).paths()
            effects = (autocommit_writes(paths), leaves_process(paths))
        self._helper_effects[key] = effects
        return effects


def _within(ranges: list[tuple[int, int]], node: Any) -> bool:
    """Whether a node lies in one of the sorted (start, end) byte ranges."""
    index = bisect.bisect_right(ranges, (node.start_byte, 1 << 62)) - 1
    while index >= 0:
        start, end = ranges[index]
        if start <= node.start_byte and node.end_byte <= end:
            return True
        index -= 1
    return False


def _claims(call: Any, unit: _Unit) -> bool:
    """`const claimed = await prisma.job.updateMany({ where: { id, status: 'queued' }, ... })`
    then `if (claimed.count === 0) return`: a compare-and-set that commits on purpose
    before the work it guards."""
    node = call.parent
    while node is not None and node.type in ("await_expression", "parenthesized_expression"):
        node = node.parent
    if node is None:
        return False
    if node.type == "member_expression":
        return text(node.child_by_field_name("property")) == "count"
    if node.type == "variable_declarator" and node.child_by_field_name("name") is not None:
        name = text(node.child_by_field_name("name"))
        return re.search(rf"(?<![\w$.]){re.escape(name)}\.count\b", text(unit.node)) is not None
    return False


def _exportable(unit: _Unit) -> bool:
    """A module-level function another module can import (not a method, not a callback)."""
    return not unit.class_name and "." not in unit.qualname and "(" not in unit.qualname and "@" not in unit.qualname


def _called_as(function: Any, name: str) -> bool:
    """Whether a function literal is passed to a call of a method so named."""
    parent = function.parent
    call = parent.parent if parent is not None and parent.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    return callee is not None and callee.type == "member_expression" and \
        text(callee.child_by_field_name("property")) == name


def _first_parameter(function: Any) -> str | None:
    """`tx` for `async (tx) => ...`, `tx => ...` and `function (tx) {...}`; None without one."""
    parameter = function.child_by_field_name("parameter")
    if parameter is not None:
        return text(parameter) if parameter.type == "identifier" else None
    parameters = function.child_by_field_name("parameters")
    first = parameters.named_children[0] if parameters is not None and parameters.named_child_count else None
    pattern = first.child_by_field_name("pattern") if first is not None and first.type != "identifier" else first
    return text(pattern) if pattern is not None and pattern.type == "identifier" else None


def _root_name(node: Any) -> str:
    """The name an expression starts from: `stripe` in `stripe.customers.create(...)`."""
    root = root_of(node)
    return text(root) if root is not None and root.type == "identifier" else ""


def _not_awaited(call: Any) -> bool:
    """`prisma.activity.create(...)` as a statement of its own, not awaited: fire and forget
    (or, for a lazy Prisma query, never run)."""
    node = call
    while (follower := following_call(node)) is not None:
        node = follower[1]
    return node.parent is not None and node.parent.type == "expression_statement"


def _stored(call: Any) -> bool:
    """A query kept rather than run: an array element, pushed, or bound to a name unawaited."""
    parent = call.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type in ("array", "variable_declarator", "pair"):
        return True
    if parent.type == "arguments" and parent.parent is not None:
        function = parent.parent.child_by_field_name("function")
        prop = function.child_by_field_name("property") if function is not None and \
            function.type == "member_expression" else None
        return prop is not None and text(prop) in ("push", "unshift")
    return False


def _count_between(starts: list[int], start: int, end: int) -> int:
    return bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)


def _name_of(node: Any) -> tuple[str, str, str]:
    """(qualname, display name, enclosing class name) of a function node."""
    name_node = node.child_by_field_name("name")
    if node.type in NAMED_UNITS and name_node is not None:
        name = text(name_node)
        if node.type == "method_definition":
            class_name = _class_name(node)
            return f"{class_name}.{name}", name, class_name
        return name, name, ""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        parent = parent.parent
    if parent is not None:
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") is not None:
            name = text(parent.child_by_field_name("name"))
            return name, name, ""
        if parent.type in ("public_field_definition", "field_definition"):
            field_name = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            class_name = _class_name(parent)
            name = text(field_name) if field_name is not None else "field"
            return f"{class_name}.{name}", name, class_name
        if parent.type == "pair" and parent.child_by_field_name("key") is not None:
            name = text(parent.child_by_field_name("key"))
            return name, name, ""
        if parent.type == "assignment_expression":
            name = text(parent.child_by_field_name("left"))
            return name, name, ""
        if parent.type == "export_statement":
            return "default", "default export", ""
        if parent.type == "arguments" and parent.parent is not None:
            callee = parent.parent.child_by_field_name("function")
            first = next((c for c in parent.named_children), None)
            route = string_value(first)
            name = f"{_callee_display(callee)}({repr(route) if route else '...'}) callback"
            return name, name, ""
    line = node.start_point[0] + 1
    return f"function@{line}", f"function at line {line}", ""


def _callee_display(callee: Any | None) -> str:
    """`router.post`, `withWorkspace`; a long builder chain by its last call: `….action`."""
    if callee is None:
        return "call"
    name = short_text(callee)
    if len(name) < len(" ".join(text(callee).split())) and callee.type == "member_expression":
        return "…." + text(callee.child_by_field_name("property"))
    return name


def _class_name(node: Any) -> str:
    parent = node.parent
    while parent is not None and parent.type not in ("class_declaration", "abstract_class_declaration", "class"):
        parent = parent.parent
    if parent is None:
        return "<class>"
    name = parent.child_by_field_name("name")
    return text(name) if name is not None else "<class>"


class ScriptWalker:
    """The write events of one function, path by path."""

    def __init__(self, analysis: ScriptWriteAnalysis, unit: _Unit, depth: int = 0):
        self.analysis = analysis
        self.unit = unit
        self.depth = depth
        # The transaction clients of the callbacks being walked (`tx` in `$transaction(async (tx) => ...)`),
        # innermost last, and the writes found to bypass the innermost one.
        self.transaction_clients: list[str] = []
        self.bypassing: list[Write | None] = []  # None: a same-module function's writes

    def paths(self) -> Paths:
        body = self.unit.node.child_by_field_name("body")
        return self.body(body, scoped=False, in_loop=False) if body is not None else set(NOTHING)

    def body(self, node: Any, scoped: bool, in_loop: bool) -> Paths:
        if node.type == "statement_block":
            return self.block(node.named_children, scoped, in_loop)
        return self.expression(node, scoped, in_loop)

    def block(self, statements: list[Any], scoped: bool, in_loop: bool) -> Paths:
        paths: Paths = set(NOTHING)
        for statement in statements:
            paths = then(paths, self.statement(statement, scoped, in_loop))
        return paths

    def statement(self, node: Any | None, scoped: bool, in_loop: bool) -> Paths | frozenset[Path]:
        if node is None:
            return NOTHING
        kind = node.type
        if kind in DECLARATIONS:
            return NOTHING
        if kind == "statement_block":
            return self.block(node.named_children, scoped, in_loop)
        field = node.child_by_field_name
        if kind == "if_statement":
            alternative = field("alternative")
            otherwise = self.statement(alternative.named_children[0], scoped, in_loop) \
                if alternative is not None and alternative.named_child_count else NOTHING
            return then(self.expression(field("condition"), scoped, in_loop),
                        set(self.statement(field("consequence"), scoped, in_loop)) | set(otherwise))
        if kind == "for_statement":
            head = then(self.expression(field("initializer"), scoped, in_loop),
                        self.expression(field("condition"), scoped, in_loop))
            return then(head, loop((), set(self.statement(field("body"), scoped, True)), rounds_apart=is_endless(node)))
        if kind == "for_in_statement":
            return then(self.expression(field("right"), scoped, in_loop),
                        loop((), set(self.statement(field("body"), scoped, True))))
        if kind in ("while_statement", "do_statement"):
            # Workers, polling and retries (and `for (;;)` above): each round is its own unit of work.
            return loop((), set(self.statement(field("body"), scoped, True)), rounds_apart=True)
        if kind == "try_statement":
            handler, finalizer = field("handler"), field("finalizer")
            return attempt(set(self.statement(field("body"), scoped, in_loop)),
                           [set(self.statement(handler.child_by_field_name("body"), scoped, in_loop))]
                           if handler is not None else [],
                           final=self.statement(finalizer.child_by_field_name("body"), scoped, in_loop)
                           if finalizer is not None else NOTHING)
        if kind == "switch_statement":
            cases: Paths = set(NOTHING)
            body = field("body")
            for case in body.named_children if body is not None else ():
                if case.type in ("switch_case", "switch_default"):
                    cases |= self.block(case.children_by_field_name("body"), scoped, in_loop)
            return then(self.expression(field("value"), scoped, in_loop), cases)
        if kind in ("return_statement", "throw_statement"):
            return {(events, "return") for events, _ in self.expression(node, scoped, in_loop)}
        if kind in ("break_statement", "continue_statement"):
            return {((), "loop")}
        if kind == "labeled_statement":
            return self.statement(field("body"), scoped, in_loop)
        return self.expression(node, scoped, in_loop)

    def expression(self, node: Any | None, scoped: bool, in_loop: bool) -> Paths:
        """The events of an expression's calls in evaluation order (inner first),
        with the callbacks that run during them; not those of other functions."""
        if node is None:
            return set(NOTHING)
        analysis = self.analysis
        start, end = node.start_byte, node.end_byte
        first = bisect.bisect_left(analysis.function_starts, start)
        nested, reach = [], -1
        for function in analysis.functions[first:bisect.bisect_left(analysis.function_starts, end)]:
            if function.start_byte >= reach and function.end_byte <= end:
                nested.append(function)
                reach = function.end_byte
        nested_starts = [f.start_byte for f in nested]
        items: list[tuple[int, int, Any]] = []
        for call in analysis.calls[bisect.bisect_left(analysis.call_starts, start):
                                   bisect.bisect_left(analysis.call_starts, end)]:
            index = bisect.bisect_right(nested_starts, call.start_byte) - 1
            if index >= 0 and call.end_byte <= nested[index].end_byte:
                continue  # inside a function literal
            items.append((call.end_byte, 0, call))
        items += [(f.end_byte, 1, f) for f in nested if _key(f) in analysis.callback_kind]
        paths: Paths = set(NOTHING)
        for _, is_callback, item in sorted(items, key=lambda entry: entry[:2]):
            if is_callback:
                paths = then(paths, self.callback(item, scoped, in_loop))
            else:
                event = self.event(item, scoped, in_loop)
                if event is not None:
                    paths = then(paths, {((event,), None)})
        return paths

    def callback(self, function: Any, scoped: bool, in_loop: bool) -> Paths:
        kind = self.analysis.callback_kind[_key(function)]
        body = function.child_by_field_name("body")
        if body is None or self.analysis.in_background(function):
            return set(NOTHING)
        client = _first_parameter(function) if kind == TRANSACTION else None
        if client is None:
            runs = self.body(body, scoped or kind == TRANSACTION, in_loop or kind == LOOP)
        else:
            self.transaction_clients.append(client)
            bypassing_before = len(self.bypassing)
            runs = self.body(body, True, in_loop)
            self.transaction_clients.pop()
            if len(self.bypassing) > bypassing_before and not scoped:
                # The transaction is one unit; what bypasses it commits apart from it.
                line = function.start_point[0] + 1
                unit = Write(line, f"the transaction callback on `{client}`", "transaction", f"transaction@{line}",
                             "transaction", True, "", in_loop)
                runs = {((unit, *events), ended) for events, ended in runs}
        runs = {(events, None) for events, _ in runs}  # a `return` ends the callback, not the function
        return loop((), runs) if kind == LOOP else runs

    def _bypassed_client(self, call: Any, access: ScriptAccess) -> str | None:
        """The client a write inside a transaction callback goes through, when it is not the
        callback's own (`prisma.audit.create()` inside `prisma.$transaction(async (tx) => ...)`)."""
        analysis = self.analysis
        if access.action != WRITE or not self.transaction_clients or access.framework not in BYPASSABLE:
            return None
        root = root_of(call)
        name = text(root) if root is not None and root.type in ("identifier", "this") else ""
        client = self.transaction_clients[-1]
        if name in ("", client) or any(value is not None and text(value) == client
                                       for value in analysis.model.flow.values_of(name)):
            return None  # the client itself, or a name given it
        if analysis.model.in_callers_transaction(access) or analysis.not_on_path(access, self.unit):
            return None
        return text(call.child_by_field_name("function")).split(".", 1)[0] if name == "this" else name

    def event(self, call: Any, scoped: bool, in_loop: bool) -> Event | None:
        analysis = self.analysis
        access = analysis.accesses.get(_key(call))
        if access is not None:
            bypassed = self._bypassed_client(call, access)
            if bypassed is not None:
                # On another client than the callback's: it commits on its own, whatever the callback does.
                write = Write(access.line, f"{access.label} (on `{bypassed}`, not the transaction's "
                              f"`{self.transaction_clients[-1]}`)", access.framework, access.target, access.method,
                              True, "", in_loop)
                self.bypassing.append(write)
                return write
            if access.action != WRITE or scoped or analysis.in_transaction(call) \
                    or analysis.not_on_path(access, self.unit) or analysis.model.in_callers_transaction(access):
                return None
            label = access.label
            if _within(analysis.clientless_transactions, call):  # (in source order, as the calls are)
                label += " (in a `$transaction` callback that takes no `tx`: outside the transaction)"
            return Write(access.line, label, access.framework, access.target, access.method, True, "", in_loop)
        if analysis.in_background(call):
            return None
        helper = analysis.resolve_helper(call, self.unit)
        if helper is None:
            if analysis.is_external(call):
                return External(call.start_point[0] + 1, short_text(call.child_by_field_name("function")), in_loop)
            imported = (analysis.imported_function(call) or analysis.imported_root(call)) if self.depth == 0 else None
            # (A function is held by the transaction it is called in only when it is given its client.)
            if imported is None or analysis.held_by_transaction(call):
                return None
            return ImportedCall(call.start_point[0] + 1, short_text(call.child_by_field_name("function")),
                                imported[0], imported[1], in_loop)
        held = analysis.held_by_transaction(call)
        if self.depth == 0:
            self.unit.helper_calls.append((helper.qualname, held))
        if held or helper is self.unit:
            return None
        writes, leaves = analysis.helper_effects(helper, self.depth + 1)
        if writes:
            self._note_bypass()
            return HelperCall(call.start_point[0] + 1, helper.name, writes, in_loop)
        return External(call.start_point[0] + 1, helper.name, in_loop) if leaves else None

    def _note_bypass(self) -> None:
        """A function of this module called in a transaction callback without its client writes
        outside it. (One of another module may write nothing: the transaction is not made a unit for it.)"""
        if self.transaction_clients:
            self.bypassing.append(None)
