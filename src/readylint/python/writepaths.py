"""RL201's facts for one Python module: each function's writes, path by path.

The walk follows `ast` statements with the shared path algebra
(`readylint.writepaths`); what is a write, a commit or a transaction scope
comes from the data-access model (Django, SQLAlchemy, DB-API). Django
specifics the project pass needs (views, `ATOMIC_REQUESTS`, the admin's
atomic callbacks) are recorded per function.
"""

from __future__ import annotations

import ast
import bisect
from typing import TYPE_CHECKING

from readylint.python.dataaccess import COMMIT, WRITE, Access, DataAccess, Function, label_name
from readylint.python.localflow import FUNCTIONS
from readylint.python.names import module_name_of
from readylint.python.tree import COMPREHENSIONS, DEFERRED_CODE, TreeIndex
from readylint.sources import SourceFile
from readylint.writepaths import (
    NOTHING, Commit, Event, FunctionFacts, HelperCall, ImportedCall, Path, Paths, Write, after, attempt,
    autocommit_writes, calls_other_modules, loop, then,
)

if TYPE_CHECKING:
    from readylint.checks.multi_write_without_transaction import MultiWriteWithoutTransaction

# How deep writes of same-module helpers are followed.
MAX_HELPER_DEPTH = 3


class FileAnalysis:
    """The walk of one file's functions."""

    def __init__(self, check: "MultiWriteWithoutTransaction", file: SourceFile, tree: ast.Module):
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
        self.imported_lines: list[int] = []  # calls of a function of another project module
        # The packages of this module's path: an import from one of them is the project's own.
        self.project_packages = frozenset(module_name_of(file.path).split(".")[:-1])
        self.imported_calls: dict[ast.AST, list[tuple[str, str, bool]]] = {}
        self._scan_calls()

    def _may_write(self, function: Function) -> bool:
        """Whether walking the function's paths can find anything: a call that
        may write or commit (what a caller in another module counts), a call of
        a helper of this module (whose calls the walk also records), or two calls
        of functions of other project modules."""
        start, end = function.lineno, function.end_lineno or 0
        return (_count_between(self.helper_lines, start, end) > 0 or _count_between(self.write_lines, start, end) > 0
                or _count_between(self.imported_lines, start, end) > 1)

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
                    if self.project_function(qualified):
                        self.imported_lines.append(node.lineno)
            elif isinstance(node, (ast.With, ast.AsyncWith)) and any(
                self.model.is_transaction_scope(item.context_expr, None) for item in node.items
            ):
                scopes.append((node.body[0].lineno, node.end_lineno or node.lineno))
        self.write_lines.sort()
        self.helper_lines.sort()
        self.imported_lines.sort()
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
                module, name = qualified.rsplit(".", 1)
                self.imported_calls.setdefault(owner, []).append((module, name, scoped))

    def project_function(self, qualified: str) -> bool:
        """A function (not a class: making an object writes nothing) of a module of this project."""
        module, _, name = qualified.rpartition(".")
        return bool(module) and module.split(".")[0] in self.project_packages and not name[:1].isupper()

    def functions(self) -> list[FunctionFacts]:
        results = []
        for function, qualname in self.qualnames.items():
            cls = self.model.class_of.get(function)
            walker = Walker(self, function)
            paths = walker.paths() if self._may_write(function) else set()
            transactional = self.model.is_transactional(function) or self.is_atomic_callback(function, cls)
            facts = FunctionFacts(
                qualname=qualname,
                name=function.name,
                line=function.lineno,
                column=function.col_offset + 1,
                end_column=function.col_offset + 1 + len("async def " if isinstance(function, ast.AsyncFunctionDef)
                                                          else "def ") + len(function.name),
                transactional=transactional,
                is_view=self.is_view(function, cls),
                non_atomic=any(self.names.of(d.func if isinstance(d, ast.Call) else d)
                               in self.check.non_atomic_decorators for d in function.decorator_list),
                calls=walker.helper_calls,
                imported_calls=self.imported_calls.get(function, []),
                writes=() if transactional or "." in qualname else autocommit_writes(paths),
                open_paths=calls_other_modules(paths),
            )
            facts.problem = self.check.problem(function.name, paths)
            if facts.problem or facts.calls or facts.imported_calls or facts.is_view or facts.writes:
                results.append(facts)
        return results

    def is_view(self, function: Function, cls: ast.ClassDef | None) -> bool:
        positional = [*function.args.posonlyargs, *function.args.args]
        if cls is not None:
            if any(label_name(base).endswith(self.check.view_class_suffixes) for base in cls.bases):
                return True
            positional = positional[1:]
        return bool(positional) and positional[0].arg in self.check.view_parameters

    def is_atomic_callback(self, function: Function, cls: ast.ClassDef | None) -> bool:
        if cls is None:
            return False
        bases = {self.names.of(base) for base in cls.bases}
        return any(bases & set(b) and function.name in methods for b, methods in self.check.atomic_callbacks)

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
            self.model.is_transactional(function) or self.is_atomic_callback(function, cls)
        ):
            writes = autocommit_writes(Walker(self, function, depth).paths())
        self._helper_writes[function] = writes
        return writes


def _count_between(lines: list[int], start: int, end: int) -> int:
    """How many of the sorted `lines` lie in [start, end]."""
    return bisect.bisect_right(lines, end) - bisect.bisect_left(lines, start)


class Walker:
    """The write events of one function, path by path."""

    def __init__(self, analysis: FileAnalysis, function: Function, depth: int = 0):
        self.analysis = analysis
        self.model = analysis.model
        self.function = function
        self.depth = depth
        self.helper_calls: list[tuple[str, bool]] = []

    def paths(self) -> Paths:
        return self.block(self.function.body, scoped=False, loop=False)

    def block(self, statements: list[ast.stmt], scoped: bool, loop: bool) -> Paths:
        paths: Paths = set(NOTHING)
        for statement in statements:
            paths = then(paths, self.statement(statement, scoped, loop))
        return paths

    def statement(self, node: ast.stmt, scoped: bool, in_loop: bool) -> Paths | frozenset[Path]:
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            return NOTHING
        if isinstance(node, ast.If):
            head = self.events(node.test, scoped, in_loop)
            return after(head, self.block(node.body, scoped, in_loop) | self.block(node.orelse, scoped, in_loop))
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            is_while = isinstance(node, ast.While)
            head = self.events(node.test if is_while else node.iter, scoped, in_loop)
            return loop(head, self.block(node.body, scoped, True), self.block(node.orelse, scoped, in_loop),
                        rounds_apart=is_while)
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return attempt(self.block(node.body, scoped, in_loop),
                           [self.block(handler.body, scoped, in_loop) for handler in node.handlers],
                           self.block(node.orelse, scoped, in_loop), self.block(node.finalbody, scoped, in_loop),
                           rolls_back=self._rolls_back(node))
        if isinstance(node, (ast.With, ast.AsyncWith)):
            head: tuple[Event, ...] = ()
            opens = False
            for item in node.items:
                head += self.events(item.context_expr, scoped, in_loop)
                opens = opens or self.model.is_transaction_scope(item.context_expr, self.function)
            return after(head, self.block(node.body, scoped or opens, in_loop))
        if isinstance(node, ast.Match):
            head = self.events(node.subject, scoped, in_loop)
            cases: Paths = set(NOTHING)
            for case in node.cases:
                cases |= self.block(case.body, scoped, in_loop)
            return after(head, cases)
        if isinstance(node, (ast.Return, ast.Raise)):
            return {(self.events(node, scoped, in_loop), "return")}
        if isinstance(node, (ast.Break, ast.Continue)):
            return {((), "loop")}
        return {(self.events(node, scoped, in_loop), None)}

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
            qualified = self.analysis.names.of(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
            if self.depth == 0 and not scoped and qualified and self.analysis.project_function(qualified):
                module, _, name = qualified.rpartition(".")
                return ImportedCall(call.lineno, label_name(call.func), module, name, loop)
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
