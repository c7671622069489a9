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
run is charged to the loop around them. `while`, `do` and `for (;;)` loops are polling,
paging or retrying by design and are not read. Writes in loops are not
this rule's business.
"""

from __future__ import annotations

import re
from typing import Any

from readylint.loopqueries import LoopFacts, Query
from readylint.sources import SourceFile
from readylint.typescript.dataaccess import READ, ScriptDataAccess, ScriptDataSpec
from readylint.typescript.tree import FUNCTION_KINDS, is_endless, text, unwrapped

LOOP_STATEMENTS = frozenset({"for_statement", "for_in_statement"})
ROUNDS_APART = frozenset({"while_statement", "do_statement"})
# Where a loop statement's per-iteration code is.
PER_ITERATION_FIELDS = {"for_statement": ("body", "condition", "increment"), "for_in_statement": ("body",)}
# Prisma merges these, issued in one tick, into one query.
DATALOADER_METHODS = frozenset({"findUnique", "findUniqueOrThrow"})
CONSTANT_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
FUNCTION_BOUNDARIES = FUNCTION_KINDS | {"function_declaration", "generator_function_declaration", "method_definition",
                                        "class_body", "program"}


class ScriptLoopScanner:
    def __init__(self, file: SourceFile, spec: ScriptDataSpec, remedies: dict[str, str]):
        self.file = file
        self.model = ScriptDataAccess(file.script, file.text, spec)
        self.remedies = remedies
        self._loops: dict[tuple[int, int], LoopFacts] = {}

    def scan(self) -> list[LoopFacts]:
        for call in self.file.script.of("call"):
            access = self.model.access(call)
            if access is None or access.action != READ:
                continue
            loop = self._loop_of(call, concurrent_batched=access.framework == "prisma"
                                 and access.method in DATALOADER_METHODS)
            if loop is None:
                continue
            facts = self._loops.get((loop.start_byte, loop.end_byte))
            if facts is None:
                facts = self._loops[(loop.start_byte, loop.end_byte)] = self._facts(loop)
            facts.queries.append(Query(access.line, access.label, self.remedies.get(access.framework, "")))
        return sorted(self._loops.values(), key=lambda f: (f.line, f.column))

    def _loop_of(self, call: Any, concurrent_batched: bool) -> Any | None:
        """The innermost loop that runs `call` once per item, within its function: a loop
        statement, or the call of an iteration method (`xs.map`) whose callback holds it."""
        child, node = call, call.parent
        while node is not None and node.type not in FUNCTION_BOUNDARIES - FUNCTION_KINDS:
            if node.type in ROUNDS_APART or is_endless(node):
                return None  # polling, paging, retrying: each round is its own work, whatever loop is around
            if node.type in LOOP_STATEMENTS:
                if any(node.child_by_field_name(name) == child for name in PER_ITERATION_FIELDS[node.type]) \
                        and not self._transparent(node.child_by_field_name("right")):
                    return node
            elif node.type in FUNCTION_KINDS:
                caller = _called_with(node)
                if caller is None or not self.model.loop_callback(caller):
                    return None  # a function of its own: runs when called
                if not concurrent_batched and not self._transparent(_receiver(caller)):
                    return caller
            child, node = node, node.parent
        return None

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


def _called_with(function: Any) -> Any | None:
    """The call a function literal is an argument of, or None."""
    parent = function.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "arguments":
        return None
    call = parent.parent
    return call if call is not None and call.type == "call_expression" else None


def _receiver(call: Any) -> Any | None:
    function = call.child_by_field_name("function")
    return function.child_by_field_name("object") if function is not None and function.type == "member_expression" \
        else None
