"""What a function's local names may hold: every binding of each name, as written.

    order = Order.objects.get(pk=pk)       Assigned(<the call>)
    order, created = X.get_or_create()     Unpacked(<the call>, 0)
    for line in order.lines.all():         Iterated(<order.lines.all()>)
    with conn.cursor() as cursor:          Entered(<conn.cursor()>)
    def f(session: Session):               Parameter(<arg>)

Rules interpret the bound expressions themselves (is this a queryset, a
session, a cursor?). A name is followed only if *every* binding in the
function is one of these forms; anything else (`x += 1`, `del x`, `global x`,
an import, an except target) makes it `None`: without flow analysis we cannot
tell which binding a use sees, and silence beats a guess. Nested functions,
lambdas, classes and comprehensions bind their own names and are not read.

Attributes of `self` are followed the same way over all methods of a class
(`ClassAttributes`), for `self.session = Session()` in `__init__`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from readylint.python.tree import TreeIndex

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The node types `LocalBindings._record` reads: a set test skips the rest.
BINDING_NODES = frozenset({
    ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.withitem, ast.AugAssign, ast.Delete,
    ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
    ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping,
})


@dataclass(frozen=True)
class Assigned:
    value: ast.expr


@dataclass(frozen=True)
class Unpacked:
    value: ast.expr
    index: int


@dataclass(frozen=True)
class Iterated:
    iterable: ast.expr
    # `for i, x in enumerate(qs)` binds x to an element: index into the element.
    index: int | None = None


@dataclass(frozen=True)
class Entered:
    context: ast.expr


@dataclass(frozen=True)
class Parameter:
    arg: ast.arg


Binding = Assigned | Unpacked | Iterated | Entered | Parameter


class LocalBindings:
    """The bindings of each local name in one function."""

    def __init__(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Module, index: TreeIndex | None = None
    ):
        """`index`: the file's shared index (`SourceFile.tree_index`); without
        one, the function is indexed on its own. Nested scopes' nodes (their
        defaults and decorators included) bind nothing we follow."""
        self._bindings: dict[str, list[Binding] | None] = {}
        index = index if index is not None else TreeIndex(function)
        if isinstance(function, FUNCTIONS):
            args = function.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                self._add(arg.arg, Parameter(arg))
            for arg in (args.vararg, args.kwarg):
                if arg is not None:
                    self._opaque(arg.arg)
        for node in index.scope(function):
            if node.__class__ in BINDING_NODES:
                self._record(node)

    def of(self, name: str) -> list[Binding] | None:
        """Every binding of `name` here, or None when one cannot be followed
        or the name is not local."""
        return self._bindings.get(name)

    def is_local(self, name: str) -> bool:
        return name in self._bindings

    # -------------------------------------------------------------- building

    def _add(self, name: str, binding: Binding) -> None:
        bindings = self._bindings.setdefault(name, [])
        if bindings is not None:
            bindings.append(binding)

    def _opaque(self, name: str) -> None:
        self._bindings[name] = None

    def _record(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind_target(target, node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is None:
                return  # `x: int` alone binds nothing
            self._add(node.target.id, Assigned(node.value))
        elif isinstance(node, ast.NamedExpr):
            self._add(node.target.id, Assigned(node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind_loop_target(node.target, node.iter)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            if isinstance(node.optional_vars, ast.Name):
                self._add(node.optional_vars.id, Entered(node.context_expr))
            else:
                self._opaque_targets(node.optional_vars)
        elif isinstance(node, ast.AugAssign):
            self._opaque_targets(node.target)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self._opaque_targets(target)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self._opaque(name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self._opaque((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._opaque(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._opaque(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._opaque(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._opaque(node.rest)

    def _bind_target(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._add(target.id, Assigned(value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            starred = any(isinstance(e, ast.Starred) for e in target.elts)
            for index, element in enumerate(target.elts):
                if starred or not isinstance(element, ast.Name):
                    self._opaque_targets(element)
                elif isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                    self._add(element.id, Assigned(value.elts[index]))
                else:
                    self._add(element.id, Unpacked(value, index))

    def _bind_loop_target(self, target: ast.expr, iterable: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._add(target.id, Iterated(iterable))
        elif isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
            for index, element in enumerate(target.elts):
                self._add(element.id, Iterated(iterable, index))
        else:
            self._opaque_targets(target)

    def _opaque_targets(self, target: ast.expr) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self._opaque(node.id)


class ClassAttributes:
    """`self.<attr>` bindings over every method of one class."""

    def __init__(self, cls: ast.ClassDef, index: TreeIndex | None = None):
        self._bindings: dict[str, list[Binding] | None] = {}
        index = index if index is not None else TreeIndex(cls)
        for method in cls.body:
            if not isinstance(method, FUNCTIONS):
                continue
            positional = [*method.args.posonlyargs, *method.args.args]
            if not positional:
                continue
            self_name = positional[0].arg
            for node in index.scope(method):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        self._bind(target, self_name, Assigned(node.value))
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    self._bind(node.target, self_name, Assigned(node.value))
                elif isinstance(node, (ast.AugAssign, ast.Delete)):
                    for target in (node.targets if isinstance(node, ast.Delete) else [node.target]):
                        self._bind(target, self_name, None)
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.withitem)):
                    target = node.target if not isinstance(node, ast.withitem) else node.optional_vars
                    for sub in ast.walk(target) if target is not None else ():
                        self._bind(sub, self_name, None)

    def _bind(self, target: ast.AST, self_name: str, binding: Binding | None) -> None:
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id == self_name):
            if isinstance(target, (ast.Tuple, ast.List)):
                for element in target.elts:
                    self._bind(element, self_name, None)
            return
        if binding is None:
            self._bindings[target.attr] = None
            return
        bindings = self._bindings.setdefault(target.attr, [])
        if bindings is not None:
            bindings.append(binding)

    def of(self, attr: str) -> list[Binding] | None:
        return self._bindings.get(attr)
