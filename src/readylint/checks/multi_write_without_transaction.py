"""RL201 multi-write-without-transaction: related writes that can half-happen.

Per file (`collect`), each function's statements are walked path by path
(the two branches of an `if` never both run; a `return` ends a path) to find
the largest set of writes one run can make:

- autocommit writes (Django, asyncpg) outside any transaction scope: two
  or more on one path, to at least two different models or objects and not
  only deletions, is a finding (staged updates of one row and cleanups a
  rerun completes are deliberate). A call of a function of the same module
  that makes such writes counts as one write, at the call.
- implicit-transaction writes (SQLAlchemy session, DB-API connection): a
  finding when a `commit()` on the same object splits writes into two
  transactions on one path. Commits inside `for` loops are batching, and a
  `try: ...commit() except: rollback()` is a transaction of its own.

`while` loops (workers, polling, retries) are not read: each round is its
own unit of work.

The project pass (`check_project`) then drops what is already atomic:
views, when a settings file turns `ATOMIC_REQUESTS` on, and functions whose
every call found in the project (same module, or through imports matched by
dotted name) is inside a transaction, or in a function that always is.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.diagnostics import Finding
from readylint.discovery import matches_skip_paths
from readylint.python.dataaccess import (
    COMMIT, WRITE, Access, DataAccess, DataAccessSpec, Function, dotted,
)
from readylint.python.localflow import FUNCTIONS
from readylint.python.names import QualifiedNames, module_name_of
from readylint.python.tree import COMPREHENSIONS, DEFERRED_CODE, TreeIndex
from readylint.sources import FileKind, SourceFile

# Files that can neither write through a framework we know nor call a
# writing function inside a transaction (or from a view) are not read.
PREFILTER = ("objects", "save(", "execute", "commit(", ".add(", "create(", "delete(", ".set(", "_manager",
             "atomic", "transaction", "begin(", "request")
# Beyond this many distinct write sequences through one function, keep the longest.
MAX_PATHS = 64
# How deep writes of same-module helpers are followed.
MAX_HELPER_DEPTH = 3
DELETES = frozenset({"delete", "adelete"})


@dataclass(frozen=True)
class Write:
    """A write outside any transaction scope of this function."""

    line: int
    label: str
    framework: str
    target: str  # the model or object written
    method: str
    autocommit: bool
    resource: str  # whose commit() ends its transaction (when not autocommit)
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


Event = Write | HelperCall | Commit
Path = tuple[tuple[Event, ...], str | None]  # (events, how it ended: None, "return" or "loop")


@dataclass
class FunctionFacts:
    qualname: str
    line: int
    column: int
    end_column: int
    # Why a finding: the message body, or "" when the function is fine by itself.
    problem: str = ""
    transactional: bool = False  # decorated, or a callback the framework runs atomically
    is_view: bool = False
    non_atomic: bool = False  # @transaction.non_atomic_requests
    # In-module calls of other functions: (callee qualname, call inside a transaction scope).
    calls: list[tuple[str, bool]] = field(default_factory=list)
    # Calls of imported names: (qualified name, call inside a transaction scope).
    imported_calls: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class FileFacts:
    module: str  # `shop.services`, from the path
    functions: list[FunctionFacts]
    atomic_requests: list[bool | None]  # values of ATOMIC_REQUESTS set here (None: not a literal)


class MultiWriteWithoutTransaction(ProjectCheck):
    code = "RL201"
    kinds = frozenset({FileKind.PYTHON})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        catalog = rule.catalog
        self.spec = DataAccessSpec.from_catalog(catalog)
        self.skip_paths = [str(p) for p in catalog.get("skip_paths") or ()]
        django = catalog.get("django") or {}
        self.setting = str(django.get("atomic_requests_setting", "ATOMIC_REQUESTS"))
        self.non_atomic_decorators = frozenset(map(str, django.get("non_atomic_requests") or ()))
        self.view_parameters = frozenset(map(str, django.get("view_parameters") or ()))
        self.view_class_suffixes = tuple(map(str, django.get("view_class_suffixes") or ()))
        self.atomic_callbacks = [
            (frozenset(map(str, entry.get("bases") or ())), frozenset(map(str, entry.get("methods") or ())))
            for entry in django.get("atomic_callbacks") or () if isinstance(entry, dict)
        ]
        self.remedies = {str(k): str(v) for k, v in (catalog.get("remedies") or {}).items()}
        self.split_remedies = {str(k): str(v) for k, v in (catalog.get("split_remedies") or {}).items()}

    # ------------------------------------------------------------ per file

    def applies_to(self, file: SourceFile) -> bool:
        text = file.text
        if self.setting in text:
            return True
        return not matches_skip_paths(file.path, self.skip_paths) and any(token in text for token in PREFILTER)

    def wants_context(self, path: str) -> bool:
        # Settings (ATOMIC_REQUESTS) and every caller: a function that all
        # its callers wrap must stay silent when only it is linted (cached).
        return path.endswith(".py")

    def collect(self, file: SourceFile) -> FileFacts | None:
        tree = file.python.tree
        if tree is None:
            return None
        settings = self._atomic_requests(file.tree_index) if self.setting in file.text else []
        functions = [] if matches_skip_paths(file.path, self.skip_paths) else FileAnalysis(self, file, tree).functions()
        if not settings and not functions:
            return None
        return FileFacts(module_name_of(file.path).removesuffix(".__init__"), functions, settings)

    def _atomic_requests(self, index: TreeIndex) -> list[bool | None]:
        values = []
        for node in index.nodes:
            if isinstance(node, ast.Dict):
                values += [v for k, v in zip(node.keys, node.values) if _is_string(k, self.setting)]
            elif isinstance(node, ast.Assign):
                values += [node.value for t in node.targets
                           if isinstance(t, ast.Subscript) and _is_string(t.slice, self.setting)]
            elif isinstance(node, ast.Call):
                values += [kw.value for kw in node.keywords if kw.arg == self.setting]
        return [v.value if isinstance(v, ast.Constant) and isinstance(v.value, bool) else None for v in values]

    # ------------------------------------------------------------ project

    def check_project(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        settings = [value for file_facts in facts.values() for value in file_facts.atomic_requests]
        # Any settings file that may turn it on (a literal True, or a value we cannot read): views are atomic.
        atomic_views = any(value is not False for value in settings)
        Key = tuple[str, str]  # (path, qualname)
        functions: dict[Key, FunctionFacts] = {
            (path, f.qualname): f for path, file_facts in facts.items() for f in file_facts.functions
        }
        callers: dict[Key, list[tuple[Key, bool]]] = {}
        by_dotted = _DottedIndex(
            (f"{facts[path].module}.{qualname}", (path, qualname)) for path, qualname in functions
        )
        for (path, qualname), function in functions.items():
            for callee, scoped in function.calls:
                callers.setdefault((path, callee), []).append(((path, qualname), scoped))
            for target, scoped in function.imported_calls:
                for callee_key in by_dotted.matching(target):
                    callers.setdefault(callee_key, []).append(((path, qualname), scoped))
        memo: dict[Key, bool] = {}

        def atomic(key: Key, seen: frozenset[Key] = frozenset()) -> bool:
            """Does every known run of this function happen inside a transaction?"""
            if key in memo:
                return memo[key]
            function = functions.get(key)
            if function is None:
                return False
            if function.transactional or (atomic_views and function.is_view and not function.non_atomic):
                result = True
            else:
                sites = callers.get(key, [])
                result = bool(sites) and key not in seen and all(
                    scoped or atomic(caller, seen | {key}) for caller, scoped in sites
                )
            memo[key] = result
            return result

        for key in sorted(functions):
            function = functions[key]
            if function.problem and not atomic(key):
                yield new_finding(self.rule, key[0], function.line, function.column, function.problem,
                                  end_column=function.end_column, fingerprint_key=function.qualname)

    # ------------------------------------------------------------ helpers for FileAnalysis

    def is_view(self, function: Function, cls: ast.ClassDef | None) -> bool:
        positional = [*function.args.posonlyargs, *function.args.args]
        if cls is not None:
            if any(label_name(base).endswith(self.view_class_suffixes) for base in cls.bases):
                return True
            positional = positional[1:]
        return bool(positional) and positional[0].arg in self.view_parameters

    def is_atomic_callback(self, function: Function, cls: ast.ClassDef | None, names: QualifiedNames) -> bool:
        if cls is None:
            return False
        bases = {names.of(base) for base in cls.bases}
        return any(bases & set(b) and function.name in methods for b, methods in self.atomic_callbacks)


class _DottedIndex:
    """Functions by dotted name, found from an import's qualified name: the
    import may lack a path prefix (`src.`, a project directory on sys.path),
    so a function matches when either name ends with the other."""

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        self._by_last: dict[str, list[tuple[str, Any]]] = {}
        for dotted_name, value in entries:
            self._by_last.setdefault(dotted_name.rsplit(".", 1)[-1], []).append((dotted_name, value))

    def matching(self, target: str) -> list[Any]:
        found = []
        for dotted_name, value in self._by_last.get(target.rsplit(".", 1)[-1], ()):
            if "." in target and (dotted_name == target or dotted_name.endswith("." + target)
                                  or target.endswith("." + dotted_name)):
                found.append(value)
        return found


def label_name(node: ast.AST) -> str:
    return (dotted(node) or "").rsplit(".", 1)[-1]


def _is_string(node: ast.AST | None, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


class FileAnalysis:
    """The walk of one file's functions."""

    def __init__(self, check: MultiWriteWithoutTransaction, file: SourceFile, tree: ast.Module):
        self.check = check
        self.model = DataAccess.for_file(file, check.spec)
        self.names = self.model.names
        self.module_functions = {
            node.name: node for node in tree.body if isinstance(node, FUNCTIONS)
        }
        self.qualnames: dict[ast.AST, str] = {}
        self._name_functions(tree, "")
        self._helper_writes: dict[ast.AST, tuple | None] = {}
        self.write_lines: list[int] = []  # calls that may write or commit
        self.helper_lines: list[int] = []  # calls of a function of this module
        self.imported_calls: dict[ast.AST, list[tuple[str, bool]]] = {}
        self._scan_calls()

    def _may_write(self, function: Function) -> bool:
        """Whether walking the function's paths can find anything: several
        writes take two calls that may write or commit, or a call of a helper
        of this module (whose calls the walk also records)."""
        start, end = function.lineno, function.end_lineno or 0
        return _count_between(self.helper_lines, start, end) > 0 or _count_between(self.write_lines, start, end) > 1

    def _name_functions(self, node: ast.AST, prefix: str) -> None:
        # Functions and classes are statements: expressions need no visit.
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (*FUNCTIONS, ast.ClassDef)):
                qualname = f"{prefix}{child.name}"
                if isinstance(child, FUNCTIONS):
                    self.qualnames[child] = qualname
                self._name_functions(child, qualname + ".")
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                self._name_functions(child, prefix)

    def _scan_calls(self) -> None:
        """One walk of the module for two facts: the lines of calls that may
        write or commit or call a function of this module (`_may_write`), and
        each function's calls of imported names,
        with whether each is inside a transaction block (for "every caller
        of this helper wraps it", judged over the project)."""
        spec = self.check.spec
        methods = (spec.django_write_methods | spec.related_write_methods | spec.instance_write_methods
                   | spec.session_write_methods | spec.execute_methods | spec.commit_methods)
        local_names = {node.name for node in self.qualnames}
        imported: list[tuple[ast.Call, str]] = []
        scopes: list[tuple[int, int]] = []
        for node in self.model.index.nodes:
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in methods:
                    self.write_lines.append(node.lineno)
                if name in local_names:
                    self.helper_lines.append(node.lineno)
                qualified = self.names.of(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
                if qualified and "." in qualified:
                    imported.append((node, qualified))
            elif isinstance(node, (ast.With, ast.AsyncWith)) and any(
                self.model.is_transaction_scope(item.context_expr, None) for item in node.items
            ):
                scopes.append((node.body[0].lineno, node.end_lineno or node.lineno))
        self.write_lines.sort()
        self.helper_lines.sort()
        # A call belongs to the smallest function around its line: outermost
        # functions claim their lines first, inner ones then take theirs.
        owner_of_line: dict[int, ast.AST] = {}
        for function in sorted(self.qualnames, key=lambda f: (f.end_lineno or f.lineno) - f.lineno, reverse=True):
            for line in range(function.lineno + 1, (function.end_lineno or function.lineno) + 1):
                owner_of_line[line] = function
        for call, qualified in imported:
            owner = owner_of_line.get(call.lineno)
            if owner is not None:
                scoped = any(start <= call.lineno <= end for start, end in scopes)
                self.imported_calls.setdefault(owner, []).append((qualified, scoped))

    def functions(self) -> list[FunctionFacts]:
        results = []
        for function, qualname in self.qualnames.items():
            cls = self.model.class_of.get(function)
            walker = Walker(self, function)
            paths = walker.paths() if self._may_write(function) else set()
            facts = FunctionFacts(
                qualname=qualname,
                line=function.lineno,
                column=function.col_offset + 1,
                end_column=function.col_offset + 1 + len("async def " if isinstance(function, ast.AsyncFunctionDef)
                                                          else "def ") + len(function.name),
                transactional=self.model.is_transactional(function)
                or self.check.is_atomic_callback(function, cls, self.names),
                is_view=self.check.is_view(function, cls),
                non_atomic=any(self.names.of(d.func if isinstance(d, ast.Call) else d)
                               in self.check.non_atomic_decorators for d in function.decorator_list),
                calls=walker.helper_calls,
                imported_calls=self.imported_calls.get(function, []),
            )
            facts.problem = self._problem(function, paths)
            if facts.problem or facts.calls or facts.imported_calls or facts.is_view:
                results.append(facts)
        return results

    # -------------------------------------------------------------- judging

    def _problem(self, function: Function, paths: set[Path]) -> str:
        best: tuple[Write | HelperCall, ...] = ()
        ordered = sorted(paths, key=_path_order)  # the same answer in every process
        for events, _ in ordered:
            units = tuple(e for e in events if isinstance(e, HelperCall) or (isinstance(e, Write) and e.autocommit))
            if len(units) > len(best) and _related(units):
                best = units
        if best:
            return self._autocommit_message(function, best)
        for events, _ in ordered:
            split = _split_commit(events)
            if split:
                return self._split_message(function, split)
        return ""

    def _autocommit_message(self, function: Function, units: tuple[Write | HelperCall, ...]) -> str:
        parts = []
        frameworks = set()
        for unit in units:
            loop = " in a loop" if unit.in_loop else ""
            if isinstance(unit, Write):
                parts.append(f"{unit.label}{loop} (line {unit.line})")
                frameworks.add(unit.framework)
            else:
                inner = ", ".join(f"{w.label} line {w.line}" for w in unit.writes[:3])
                more = ", ..." if len(unit.writes) > 3 else ""
                parts.append(f"{unit.name}(){loop} (line {unit.line}, which writes: {inner}{more})")
                frameworks.update(w.framework for w in unit.writes)
        remedy = self.check.remedies.get("django" if "django" in frameworks else min(frameworks), "")
        return (f"`{function.name}` makes {len(units)} database writes that each commit on their own: "
                f"{'; '.join(parts)}. A failure between them leaves partial data; {remedy}")

    def _split_message(self, function: Function, split: tuple[str, list[Write], int, list[Write]]) -> str:
        resource, before, commit_line, after = split
        first = ", ".join(f"{w.label} (line {w.line})" for w in before[:3])
        then = ", ".join(f"{w.label} (line {w.line})" for w in after[:3])
        remedy = self.check.split_remedies.get(before[0].framework, "")
        return (f"`{function.name}` splits related writes with a commit: {first}, committed by "
                f"`{resource}.commit()` at line {commit_line}, then {then} in another transaction. "
                f"A failure after the commit leaves partial data; {remedy}")

    # -------------------------------------------------------------- helpers

    def resolve_helper(self, call: ast.Call, function: Function) -> ast.AST | None:
        """The same-module function a call runs: `helper(...)` or `self.method(...)`."""
        func = call.func
        if isinstance(func, ast.Name):
            target = self.module_functions.get(func.id)
            if target is not None and self.model.bindings_for(func.id, function) == "global":
                return target
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            cls = self.model.class_of.get(function)
            positional = [*function.args.posonlyargs, *function.args.args]
            if cls is not None and positional and positional[0].arg == func.value.id:
                for item in cls.body:
                    if isinstance(item, FUNCTIONS) and item.name == func.attr:
                        return item
        return None

    def helper_writes(self, function: ast.AST, depth: int) -> tuple[Write, ...]:
        """The autocommit writes a helper makes outside transactions; () when
        it is transactional or makes none."""
        if function in self._helper_writes:
            return self._helper_writes[function] or ()
        self._helper_writes[function] = None  # recursion: counts as no writes
        cls = self.model.class_of.get(function)
        writes: tuple[Write, ...] = ()
        if depth <= MAX_HELPER_DEPTH and not (
            self.model.is_transactional(function) or self.check.is_atomic_callback(function, cls, self.names)
        ):
            found: set[Write] = set()
            for events, _ in Walker(self, function, depth).paths():
                for event in events:
                    if isinstance(event, Write) and event.autocommit:
                        found.add(event)
                    elif isinstance(event, HelperCall):
                        found.update(event.writes)
            writes = tuple(sorted(found, key=lambda w: (w.line, w.label)))
        self._helper_writes[function] = writes
        return writes


def _count_between(lines: list[int], start: int, end: int) -> int:
    """How many of the sorted `lines` lie in [start, end]."""
    return bisect.bisect_right(lines, end) - bisect.bisect_left(lines, start)


def _related(units: tuple[Write | HelperCall, ...]) -> bool:
    """Two or more writes that plausibly belong together: to at least two
    different models or objects (staged updates of one row are deliberate),
    and not only deletions (cleanups that a rerun completes)."""
    if len(units) < 2:
        return False
    writes = [w for unit in units for w in (unit.writes if isinstance(unit, HelperCall) else (unit,))]
    if len({w.target for w in writes}) < 2:
        return False
    return not all(w.method in DELETES for w in writes)


def _is_pending(event: Event) -> bool:
    return isinstance(event, Write) and not event.autocommit


def _split_commit(events: tuple[Event, ...]) -> tuple[str, list[Write], int, list[Write]] | None:
    """A resource's writes, a commit of it, then more of its writes: on one path."""
    pending = [e for e in events if isinstance(e, Write) and not e.autocommit]
    for resource in sorted({w.resource for w in pending}):
        before: list[Write] = []
        for index, event in enumerate(events):
            if isinstance(event, Write) and not event.autocommit and event.resource == resource:
                before.append(event)
            elif isinstance(event, Commit) and event.resource == resource and before:
                after = [e for e in events[index + 1:]
                         if isinstance(e, Write) and not e.autocommit and e.resource == resource]
                if after:
                    return resource, before, event.line, after
    return None


class Walker:
    """The write events of one function, path by path."""

    def __init__(self, analysis: FileAnalysis, function: Function, depth: int = 0):
        self.analysis = analysis
        self.model = analysis.model
        self.function = function
        self.depth = depth
        self.helper_calls: list[tuple[str, bool]] = []

    def paths(self) -> set[Path]:
        return self.block(self.function.body, scoped=False, loop=False)

    def block(self, statements: list[ast.stmt], scoped: bool, loop: bool) -> set[Path]:
        paths: set[Path] = {((), None)}
        for statement in statements:
            following = self.statement(statement, scoped, loop)
            if following == {((), None)}:
                continue
            extended = set()
            for events, ended in paths:
                if ended:
                    extended.add((events, ended))
                    continue
                for more, how in following:
                    extended.add((events + more, how))
            paths = _prune(extended)
        return paths

    def statement(self, node: ast.stmt, scoped: bool, loop: bool) -> set[Path]:
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            return {((), None)}
        if isinstance(node, ast.If):
            head = self.events(node.test, scoped, loop)
            branches = self.block(node.body, scoped, loop) | self.block(node.orelse, scoped, loop)
            return {(head + events, ended) for events, ended in branches}
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            head = self.events(node.iter if not isinstance(node, ast.While) else node.test, scoped, loop)
            body = self.block(node.body, scoped, loop=True)
            if isinstance(node, ast.While):
                # Worker, polling and retry loops: each round is its own unit of work.
                body = {((), ended) for _, ended in body}
            elif any(isinstance(e, Commit) for events, _ in body for e in events):
                # Commits per iteration: batching by design, not a split transaction.
                body = {(tuple(e for e in events if isinstance(e, HelperCall) or (isinstance(e, Write) and e.autocommit)),
                         ended) for events, ended in body}
            runs = {((), None)} | {(events, None if ended == "loop" else ended) for events, ended in body}
            after = self.block(node.orelse, scoped, loop)
            result = set()
            for events, ended in runs:
                if ended:
                    result.add((head + events, ended))
                else:
                    result.update((head + events + more, how) for more, how in after)
            return result
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            body = self.block(node.body, scoped, loop)
            if self._rolls_back(node):
                # `try: add; commit() except: rollback()` with one commit is a
                # self-contained transaction the author chose to isolate.
                body = {(tuple(e for e in events if not _is_pending(e) and not isinstance(e, Commit)), ended)
                        if sum(isinstance(e, Commit) for e in events) <= 1 else (events, ended)
                        for events, ended in body}
            orelse = self.block(node.orelse, scoped, loop)
            completed = {(e + more, how) if not ended else (e, ended)
                         for e, ended in body for more, how in orelse}
            for handler in node.handlers:
                completed |= self.block(handler.body, scoped, loop)
            final = self.block(node.finalbody, scoped, loop)
            return _prune({(e + more, ended or how) for e, ended in completed for more, how in final})
        if isinstance(node, (ast.With, ast.AsyncWith)):
            head: tuple[Event, ...] = ()
            opens = False
            for item in node.items:
                head += self.events(item.context_expr, scoped, loop)
                opens = opens or self.model.is_transaction_scope(item.context_expr, self.function)
            body = self.block(node.body, scoped or opens, loop)
            return {(head + events, ended) for events, ended in body}
        if isinstance(node, ast.Match):
            head = self.events(node.subject, scoped, loop)
            cases = {((), None)}
            for case in node.cases:
                cases |= self.block(case.body, scoped, loop)
            return {(head + events, ended) for events, ended in cases}
        if isinstance(node, (ast.Return, ast.Raise)):
            return {(self.events(node, scoped, loop), "return")}
        if isinstance(node, (ast.Break, ast.Continue)):
            return {((), "loop")}
        return {(self.events(node, scoped, loop), None)}

    def _rolls_back(self, node: ast.Try) -> bool:
        return any(
            isinstance(call.func, ast.Attribute) and call.func.attr in self.model.spec.rollback_methods
            for handler in node.handlers for call, _ in _calls(self.model.index, handler, False)
        )

    def events(self, node: ast.AST | None, scoped: bool, loop: bool) -> tuple[Event, ...]:
        if node is None:
            return ()
        found = []
        for call, in_loop in _calls(self.model.index, node, loop):
            event = self.event(call, scoped, in_loop)
            if event is not None:
                found.append(event)
        return tuple(found)

    def event(self, call: ast.Call, scoped: bool, loop: bool) -> Event | None:
        access: Access | None = self.model.access(call, self.function)
        if access is not None:
            if scoped:
                return None
            if access.action == WRITE:
                return Write(access.line, access.label, access.framework, access.target, access.method,
                             access.autocommit, access.resource, loop)
            if access.action == COMMIT:
                return Commit(access.line, access.resource, loop)
            return None
        helper = self.analysis.resolve_helper(call, self.function)
        if helper is None:
            return None
        if self.depth == 0:
            self.helper_calls.append((self.analysis.qualnames.get(helper, ""), scoped))
        if scoped or helper is self.function:
            return None
        writes = self.analysis.helper_writes(helper, self.depth + 1)
        if not writes:
            return None
        return HelperCall(call.lineno, label_name(call.func), writes, loop)


def _calls(index: TreeIndex, node: ast.AST, loop: bool) -> list[tuple[ast.Call, bool]]:
    """Calls under `node` in evaluation order (inner first), with whether
    each runs in a loop (inside a comprehension); not in nested functions."""
    nodes = [node, *index.scope(node, DEFERRED_CODE)]
    in_comprehension: set[ast.AST] = set()
    if not loop:
        for comprehension in (n for n in nodes if isinstance(n, COMPREHENSIONS)):
            in_comprehension.update(index.walk(comprehension))
    found = [(n, loop or n in in_comprehension) for n in nodes if isinstance(n, ast.Call)]
    found.sort(key=lambda item: (item[0].end_lineno or 0, item[0].end_col_offset or 0))
    return found


def _path_order(path: Path) -> tuple:
    """Longest first, then by the lines of its events: sets of paths have no
    stable order across processes (string hashes are seeded per process)."""
    events, ended = path
    return (-len(events), tuple(event.line for event in events), ended or "")


def _prune(paths: set[Path]) -> set[Path]:
    if len(paths) <= MAX_PATHS:
        return paths
    return set(sorted(paths, key=_path_order)[:MAX_PATHS])
