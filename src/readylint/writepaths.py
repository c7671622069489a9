"""The database-writes concept, shared by every language: what RL201 judges.

Each language's analysis (`python/writepaths.py`, `typescript/writepaths.py`)
walks a function's statements path by path and reports, per path, the data
events one run makes: writes outside any transaction scope, calls of
same-module functions that make such writes, and commits. The two branches
of an `if` never both run; a `return` or `throw` ends a path. This module is
the path algebra both walkers use, so `if`, loops and `try` mean the same in
both languages; the rule's judgement over the paths (which writes belong
together, what the message says) is written once, in the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Beyond this many distinct write sequences through one function, keep the longest.
MAX_PATHS = 64


@dataclass(frozen=True)
class Write:
    """A write outside any transaction scope of its function."""

    line: int
    label: str  # how the message names it: `Order.objects.create()`, `prisma.order.create()`
    framework: str
    target: str  # the model, table or object written
    method: str
    autocommit: bool  # commits on its own; else waits for a commit() of `resource`
    resource: str
    in_loop: bool


@dataclass(frozen=True)
class HelperCall:
    """A call of a same-module function that makes autocommit writes."""

    line: int
    name: str
    writes: tuple[Write, ...]
    in_loop: bool


@dataclass(frozen=True)
class Commit:
    line: int
    resource: str
    in_loop: bool


@dataclass(frozen=True)
class ImportedCall:
    """A call of a function another module of the project defines: what it writes is
    known only to the project pass, which puts a `HelperCall` in its place."""

    line: int
    name: str  # how the message names it
    module: str  # as imported: a TS specifier (`@/lib/orders`), a Python module (`shop.services`)
    imported: str  # the name there
    in_loop: bool


@dataclass(frozen=True)
class External:
    """A call that leaves the process (an HTTP API, a payment provider, email, a child
    process): no database transaction can span it, so writes before and after it are
    separate units by necessity."""

    line: int
    label: str
    in_loop: bool


Event = Write | HelperCall | Commit | ImportedCall | External
# (events, how the path ended: None when it runs on, "return" or "loop" for break/continue)
Path = tuple[tuple[Event, ...], str | None]
Paths = set[Path]

NOTHING: frozenset[Path] = frozenset({((), None)})


@dataclass
class FunctionFacts:
    """One function, as the project pass of RL201 needs it."""

    qualname: str
    line: int
    column: int
    end_column: int
    name: str = ""  # how the message names it
    # Why a finding: the message body, or "" when the function is fine by itself.
    problem: str = ""
    transactional: bool = False  # declared so, or a callback a framework runs in a transaction
    is_view: bool = False
    non_atomic: bool = False  # a view that opts out of atomic requests
    # In-module calls of other functions: (callee qualname, call inside a transaction scope).
    calls: list[tuple[str, bool]] = field(default_factory=list)
    # Calls of imported names: (module, name, call inside a transaction scope).
    imported_calls: list[tuple[str, str, bool]] = field(default_factory=list)
    # What a call of this function writes, counted where it is called from another module.
    writes: tuple[Write, ...] = ()
    # It calls out of the process itself (an API, a child process): a wrapper of such a call.
    leaves_process: bool = False
    # The paths that call functions of other modules (`ImportedCall`), judged again
    # by the project pass once it knows what those write.
    open_paths: list[Path] = field(default_factory=list)


def with_imported_calls(paths: list[Path], resolve) -> Paths:
    """`paths` with each `ImportedCall` replaced by what the callee does (`resolve(call)`:
    a `HelperCall` with its writes, an `External` when it leaves the process, or None)."""
    result = set()
    for events, ended in paths:
        resolved = []
        for event in events:
            if isinstance(event, ImportedCall):
                event = resolve(event)
            if event is not None:
                resolved.append(event)
        result.add((tuple(resolved), ended))
    return result


def leaves_process(paths: Paths) -> bool:
    return any(isinstance(e, External) for events, _ in paths for e in events)


def calls_other_modules(paths: Paths) -> list[Path]:
    """The paths the project pass must judge again (all of them, in a stable order),
    when one calls a function of another module; else none."""
    if not any(isinstance(e, ImportedCall) for events, _ in paths for e in events):
        return []
    return sorted(paths, key=path_order)


def then(paths: Paths | frozenset[Path], following: Paths | frozenset[Path]) -> Paths:
    """Paths that run `following` after `paths` (those that ended stay as they are)."""
    if following == NOTHING:
        return set(paths)
    extended = set()
    for events, ended in paths:
        if ended:
            extended.add((events, ended))
            continue
        for more, how in following:
            extended.add((events + more, how))
    return prune(extended)


def after(head: tuple[Event, ...], paths: Paths | frozenset[Path]) -> Paths:
    """`paths` preceded by events that run first (an `if`'s test, a loop's iterable)."""
    return {(head + events, ended) for events, ended in paths}


def loop(head: tuple[Event, ...], body: Paths, orelse: Paths | frozenset[Path] = NOTHING,
         rounds_apart: bool = False) -> Paths:
    """A loop: its body runs no time or (as far as writes go) once.

    `rounds_apart`: each round is its own unit of work (`while` loops:
    workers, polling, retries), so what the body writes is not counted. Commits
    in a body are batching by design, not a split transaction: a body that
    commits keeps only its autocommit writes."""
    if rounds_apart:
        body = {((), ended) for _, ended in body}
    elif any(isinstance(e, Commit) for events, _ in body for e in events):
        body = {(tuple(e for e in events if isinstance(e, HelperCall) or (isinstance(e, Write) and e.autocommit)),
                 ended) for events, ended in body}
    runs = set(NOTHING) | {(events, None if ended == "loop" else ended) for events, ended in body}
    result = set()
    for events, ended in runs:
        if ended:
            result.add((head + events, ended))
        else:
            result.update((head + events + more, how) for more, how in orelse)
    return prune(result)


def attempt(body: Paths, handlers: list[Paths], orelse: Paths | frozenset[Path] = NOTHING,
            final: Paths | frozenset[Path] = NOTHING, rolls_back: bool = False) -> Paths:
    """`try` / `except` or `catch` / `else` / `finally`.

    `rolls_back`: a handler rolls back; `try: add; commit() except: rollback()`
    with one commit is a self-contained transaction the author chose to isolate."""
    if rolls_back:
        body = {(tuple(e for e in events if not _pending(e) and not isinstance(e, Commit)), ended)
                if sum(isinstance(e, Commit) for e in events) <= 1 else (events, ended)
                for events, ended in body}
    completed = {(e + more, how) if not ended else (e, ended) for e, ended in body for more, how in orelse}
    for handler in handlers:
        completed |= handler
    return prune({(e + more, ended or how) for e, ended in completed for more, how in final})


def path_order(path: Path) -> tuple:
    """Longest first, then by the lines of its events: sets of paths have no
    stable order across processes (string hashes are seeded per process)."""
    events, ended = path
    return (-len(events), tuple(event.line for event in events), ended or "")


def prune(paths: Paths) -> Paths:
    if len(paths) <= MAX_PATHS:
        return paths
    return set(sorted(paths, key=path_order)[:MAX_PATHS])


def autocommit_writes(paths: Paths) -> tuple[Write, ...]:
    """Every autocommit write the paths make, directly or through helpers, in line order
    (what a helper contributes at its call)."""
    found: set[Write] = set()
    for events, _ in paths:
        for event in events:
            if isinstance(event, Write) and event.autocommit:
                found.add(event)
            elif isinstance(event, HelperCall):
                found.update(event.writes)
    return tuple(sorted(found, key=lambda w: (w.line, w.label)))


def _pending(event: Event) -> bool:
    return isinstance(event, Write) and not event.autocommit
