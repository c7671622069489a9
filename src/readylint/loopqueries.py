"""The query-in-loop concept, shared by every language: what RL202 judges.

Each language's analysis (`checks/query_in_loop.py` for Python,
`typescript/queryloops.py` for TS/JS) reports the loops of a module and the
queries each one runs per iteration; relation reads (`order.customer`) and
calls of other modules' functions are candidates the project pass confirms
against the models' declarations and the functions that query. The
message, and which candidates count, are decided once, in the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    line: int
    text: str  # `Customer.objects.get()`, or the call of a function that queries: `owner_of()`
    remedy: str  # the batch alternative
    runs: str = ""  # for a function's call: the query it runs, `prisma.user.findFirst()`


@dataclass(frozen=True)
class RelationRead:
    """`order.customer` on a loop's instance: a query if `customer` is a foreign key."""

    line: int
    text: str
    variable: str
    model: str
    attribute: str
    framework: str


@dataclass
class LoopFacts:
    line: int
    column: int
    end_line: int
    end_column: int
    queries: list[Query] = field(default_factory=list)
    relation_reads: list[RelationRead] = field(default_factory=list)
    # Functions of other modules called per iteration, (module as imported, name, line): a query
    # each when the project pass finds that they query.
    calls: list[tuple[str, str, int]] = field(default_factory=list)


