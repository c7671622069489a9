"""RL202's facts for one TS/JS module: the loops, and the queries each runs per iteration.

A loop is a `for`, `for...of`, `for...in` or `for await` statement, or a
function literal an iteration method runs once per item:

    for (const order of orders) { await prisma.customer.findUnique(...) }   N queries
    orders.forEach(async (order) => { await db.select().from(...) })         N queries
    await Promise.all(ids.map((id) => supabase.from('t').select()...))      N concurrent queries

Concurrent is still N round trips and N pool connections, with one
exception the library itself makes: Prisma's dataloader merges the
`findUnique` calls issued in one tick into one query, so
`Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })))`
is one query, while awaiting each in a `for` loop is N.

A query belongs to the innermost loop around it within its function (a
function defined in a loop runs when called). Loops over array literals and
UPPER_CASE constants are a handful of known items: transparent, what they
run is charged to the loop around them, and so is what a counted loop runs
(`i < 3`, `i < MAX_ATTEMPTS`, an `attempt` counter). Chunked loops
(`i += CHUNK`) batch by design, and a query followed in the body by a
`return`, `throw` or `break` runs at most once. `while`, `do` and `for (;;)` loops are polling,
paging or retrying by design and are not read. Writes in loops are not
this rule's business.
"""

from __future__ import annotations

import re
from typing import Any

from readylint.loopqueries import LoopFacts, Query
from readylint.sources import SourceFile
from readylint.typescript.dataaccess import (
    PROJECT_SPECIFIER_PREFIXES, READ, ScriptAccess, ScriptDataAccess, ScriptDataSpec,
)
from readylint.typescript.tree import FUNCTION_KINDS, is_endless, text, unwrapped

LOOP_STATEMENTS = frozenset({"for_statement", "for_in_statement"})
ROUNDS_APART = frozenset({"while_statement", "do_statement"})
# Where a loop statement's per-iteration code is.
PER_ITERATION_FIELDS = {"for_statement": ("body", "condition", "increment"), "for_in_statement": ("body",)}
# Prisma merges these, issued in one tick, into one query.
DATALOADER_METHODS = frozenset({"findUnique", "findUniqueOrThrow"})
CONSTANT_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
RETRY_COUNTER_RE = re.compile(r"\b(?:attempts?|retry|retries|tries|try)\b", re.I)
FUNCTION_BOUNDARIES = FUNCTION_KINDS | {"function_declaration", "generator_function_declaration", "method_definition",
                                        "class_body", "program"}


class ScriptLoopScanner:
    def __init__(self, file: SourceFile, spec: ScriptDataSpec, remedies: dict[str, str], small_range: int,
                 lookup_names: "re.Pattern[str]"):
        self.file = file
        self.lookup_names = lookup_names
        self.small_range = small_range
        self.model = ScriptDataAccess.for_file(file, spec)
        self.remedies = remedies
        self._loops: dict[tuple[int, int], LoopFacts] = {}
        self._readers: dict[str, tuple[str, ScriptAccess]] = {}

    def readers(self) -> dict[str, tuple[str, str]]:
        """This module's functions that query on every call: name -> (the query, its remedy)."""
        return {name: (access.label, self.remedies.get(access.framework, ""))
                for name, (_, access) in self._readers.items()}

    def scan(self) -> list[LoopFacts]:
        calls = self.file.script.of("call")
        reads = [(call, access) for call in calls
                 if (access := self.model.access(call)) is not None and access.action == READ]
        for call, access in reads:
            query = Query(access.line, access.label, self.remedies.get(access.framework, ""))
            self._charge(call, lambda facts, query=query: facts.queries.append(query),
                         concurrent_batched=access.framework == "prisma" and access.method in DATALOADER_METHODS)
        # A function that queries, called in a loop, queries once per item too: this module's
        # now, another module's in the project pass (`LoopFacts.calls`).
        self._readers = readers = self._reading_functions(reads)
        bindings = self.model.names.bindings
        for call in calls:
            function = call.child_by_field_name("function")
            if function is None or function.type != "identifier":
                continue
            name = text(function)
            if name in readers:
                _, access = readers[name]
                query = Query(call.start_point[0] + 1, f"{name}()", self.remedies.get(access.framework, ""),
                              runs=access.label)
                self._charge(call, lambda facts, query=query: facts.queries.append(query))
            elif (binding := bindings.get(name)) is not None and binding[1] != "*" \
                    and binding[0].startswith(PROJECT_SPECIFIER_PREFIXES):
                imported = (binding[0], binding[1], call.start_point[0] + 1)
                self._charge(call, lambda facts, imported=imported: facts.calls.append(imported))
        return sorted(self._loops.values(), key=lambda f: (f.line, f.column))

    def _charge(self, call: Any, add: Any, concurrent_batched: bool = False) -> None:
        """Add a query (`add(loop_facts)`) to the loop that runs `call` once per item, if any."""
        loop = self._loop_of(call, concurrent_batched)
        if loop is None:
            return
        facts = self._loops.get((loop.start_byte, loop.end_byte))
        if facts is None:
            facts = self._loops[(loop.start_byte, loop.end_byte)] = self._facts(loop)
        add(facts)

    def _reading_functions(self, reads: list[tuple[Any, ScriptAccess]]) -> dict[str, tuple[str, ScriptAccess]]:
        """Module-level lookups (`async function getOwner(id)`, `const findTeam = async (id) =>`)
        that run a query themselves on every call: name -> (name, their first query). Functions
        named for other work (`processInvoice`, `deleteWorkspace`) do more per item than query:
        what they run is not an N+1 lookup."""
        readers: dict[str, tuple[str, ScriptAccess]] = {}
        for call, access in reads:
            function = _enclosing_function(call)
            if function is None or function.parent is None:
                continue
            named = function.child_by_field_name("name") if function.type == "function_declaration" else None
            if named is None and function.parent.type == "variable_declarator":
                named = function.parent.child_by_field_name("name")
            container = function.parent if function.type == "function_declaration" else function.parent.parent
            while container is not None and container.type in ("export_statement", "lexical_declaration",
                                                                  "variable_declaration"):
                container = container.parent
            if named is not None and container is not None and container.type == "program" \
                    and self.lookup_names.match(text(named)):
                readers.setdefault(text(named), (text(named), access))
        return readers

    def _loop_of(self, call: Any, concurrent_batched: bool) -> Any | None:
        """The innermost loop that runs `call` once per item, within its function: a loop
        statement, or the call of an iteration method (`xs.map`) whose callback holds it."""
        statement, child, node = None, call, call.parent
        while node is not None and node.type not in FUNCTION_BOUNDARIES - FUNCTION_KINDS:
            if node.type in ROUNDS_APART or is_endless(node) or self._retries(node):
                return None  # polling, paging, retrying: each round is its own work, whatever loop is around
            if node.type == "statement_block":
                statement = child
            if node.type in LOOP_STATEMENTS:
                body = node.child_by_field_name("body")
                if any(node.child_by_field_name(name) == child for name in PER_ITERATION_FIELDS[node.type]):
                    if self._chunked(node) or (child == body and _leaves_after(body, statement)):
                        return None  # one query per batch of items, or at most one per run
                    if not self._transparent(node.child_by_field_name("right")) and not self._counted(node):
                        return node
            elif node.type in FUNCTION_KINDS:
                caller = _called_with(node)
                if caller is None and _invoked(node):
                    pass  # `(async () => { ... })()` runs where it is written
                elif caller is not None and (self.model.transaction_callback(caller) or self.model.sequence_callback(caller)):
                    pass  # `$transaction(async (tx) => ...)`, `.then(...)`: run in place
                elif caller is None or not self.model.loop_callback(caller):
                    return None  # a function of its own: runs when called
                elif not concurrent_batched and not self._transparent(_receiver(caller)):
                    return caller
            child, node = node, node.parent
        return None

    def _counted(self, loop: Any) -> bool:
        """`for (let i = 0; i < 3; i++)`, `i < MAX_ATTEMPTS`: a handful of rounds, known in advance."""
        condition = loop.child_by_field_name("condition") if loop.type == "for_statement" else None
        condition = condition.named_children[0] if condition is not None and condition.type == "expression_statement" \
            and condition.named_child_count else condition
        if condition is None or condition.type != "binary_expression":
            return False
        bound = unwrapped(condition.child_by_field_name("right"))
        if bound is None:
            return False
        if bound.type == "number":
            try:
                return float(text(bound).replace("_", "")) <= self.small_range
            except ValueError:
                return False
        return bound.type == "identifier" and bool(CONSTANT_RE.match(text(bound)))

    def _retries(self, loop: Any) -> bool:
        """A loop whose counter says it retries: `for (let attempt = 0; ...)`."""
        if loop.type != "for_statement":
            return False
        initializer = loop.child_by_field_name("initializer")
        return initializer is not None and bool(RETRY_COUNTER_RE.search(text(initializer)))

    @staticmethod
    def _chunked(loop: Any) -> bool:
        """`for (let i = 0; i < ids.length; i += CHUNK)`: the body handles a batch per round."""
        increment = loop.child_by_field_name("increment") if loop.type == "for_statement" else None
        if increment is None or increment.type != "augmented_assignment_expression":
            return False
        step = unwrapped(increment.child_by_field_name("right"))
        return step is not None and text(step) != "1"

    @staticmethod
    def _transparent(iterable: Any | None) -> bool:
        """An array literal or an UPPER_CASE constant: a handful of known items."""
        iterable = unwrapped(iterable)
        if iterable is None:
            return False
        return iterable.type == "array" or (iterable.type == "identifier" and bool(CONSTANT_RE.match(text(iterable))))

    def _facts(self, loop: Any) -> LoopFacts:
        """Where the finding points: the `for` keyword, or the iteration method's name."""
        if loop.type in LOOP_STATEMENTS:
            start, end = loop.start_point, (loop.start_point[0], loop.start_point[1] + 3)
            if any(child.type == "await" for child in loop.children[:3]):
                end = (end[0], end[1] + 6)
        else:
            method = loop.child_by_field_name("function").child_by_field_name("property")
            start, end = method.start_point, method.end_point
        line = start[0] + 1
        return LoopFacts(line, self.file.char_column(line, start[1]), end[0] + 1,
                         self.file.char_column(end[0] + 1, end[1]))


def _enclosing_function(node: Any) -> Any | None:
    """The function a node's code belongs to (not counting callbacks an iteration runs: those are its loops)."""
    node = node.parent
    while node is not None and node.type not in ("function_declaration", "arrow_function", "function_expression",
                                                 "method_definition", "program"):
        node = node.parent
    return node if node is not None and node.type != "program" else None


def _called_with(function: Any) -> Any | None:
    """The call a function literal is an argument of, or None."""
    parent = function.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "arguments":
        return None
    call = parent.parent
    return call if call is not None and call.type == "call_expression" else None


def _invoked(function: Any) -> bool:
    """An immediately invoked function expression: `(async () => { ... })()`."""
    parent = function.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    return parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") is not None \
        and unwrapped(parent.child_by_field_name("function")) == function


def _leaves_after(body: Any, statement: Any | None) -> bool:
    """The statement holding the query is followed, in the loop body itself, by a `return`,
    `throw` or `break`: the loop runs the query at most once."""
    if statement is None or body.type != "statement_block":
        return False
    seen = False
    for sibling in body.named_children:
        if sibling == statement:
            seen = True
        elif seen and sibling.type in ("return_statement", "throw_statement", "break_statement"):
            return True
    return False


def _receiver(call: Any) -> Any | None:
    function = call.child_by_field_name("function")
    return function.child_by_field_name("object") if function is not None and function.type == "member_expression" \
        else None
