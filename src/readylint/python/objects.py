"""Which names hold an object made by which call: object flow within a module.

A rule says which calls create the objects it cares about (`requests.Session()`,
`psycopg2.connect(...)`, `sessionmaker()()`); `ObjectFlow.origins(expr)`
answers which of those calls the value of `expr` comes from:

    s = requests.Session()            s.get(...)            -> (the Session() call,)
    with httpx.Client() as c:         c.get(...)
    self.session = Session()          self.session.get(...) in any method of the class
    http = urllib3.PoolManager()      http.request(...)     in a function of the module
    requests.Session().get(...)                             (the receiver is the call)

The answer is all or nothing: a name bound anywhere in its scope to something
else (a parameter, a loop variable, `session or Session()`, a second
assignment from an unknown call) has no origins, because without flow
analysis we cannot tell which binding a use sees, and silence beats a guess.
Attributes of `self` are collected over every method of the class; an
attribute also assigned outside the class is beyond this analysis.
"""

from __future__ import annotations

import ast
from typing import Callable

from readylint.python.names import QualifiedNames
from readylint.python.tree import TreeIndex

# A binding we cannot follow: its value is not a creating call.
UNKNOWN = None
Creates = Callable[[ast.Call], bool]


class ObjectFlow:
    def __init__(self, index: TreeIndex, names: QualifiedNames, creates: Creates):
        self.names = names
        self.creates = creates
        # (scope node, name) or (class node, attribute) -> each binding's creating call, or UNKNOWN.
        self._names: dict[tuple[ast.AST, str], list[ast.Call | None]] = {}
        self._attributes: dict[tuple[ast.ClassDef, str], list[ast.Call | None]] = {}
        # A method's node -> (its class, the name of its `self` parameter).
        self._methods: dict[ast.AST, tuple[ast.ClassDef, str]] = {}
        self._collect(index)

    # -------------------------------------------------------------- queries

    def origins(self, expr: ast.AST) -> tuple[ast.Call, ...] | None:
        """The creating calls `expr`'s value comes from, or None when not known."""
        if isinstance(expr, ast.Call):
            return (expr,) if self.creates(expr) else None
        if isinstance(expr, ast.Name):
            scope = self.names.binding_scope(expr)
            values = self._names.get((scope.node, expr.id)) if scope else None
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = self._class_of_self(expr.value)
            if owner is None:
                return None
            # Set in a method (`self.session = ...`) or in the class body (`session = ...`).
            values = self._attributes.get((owner, expr.attr), []) + self._names.get((owner, expr.attr), [])
        else:
            return None
        if not values or any(value is UNKNOWN for value in values):
            return None
        return tuple(values)

    def _class_of_self(self, name: ast.Name) -> ast.ClassDef | None:
        """The class whose instance `name` is, when `name` is a method's `self`
        (also inside functions nested in the method that do not rebind it)."""
        scope = self.names.scope_for(name)
        while scope is not None:
            if name.id in scope.bindings:
                method = self._methods.get(scope.node)
                if method and method[1] == name.id:
                    return method[0]
                return None
            scope = scope.parent
        return None

    # -------------------------------------------------------------- building

    def _collect(self, index: TreeIndex) -> None:
        # In pre-order an assignment comes before its targets, so a target's
        # creating call is known when the target is bound.
        created: dict[int, ast.Call] = {}  # id(Name or Attribute target) -> creating call
        for node in index.nodes:
            if isinstance(node, ast.Assign):
                value = self._creating(node.value)
                if value is not None:
                    created.update((id(target), value) for target in node.targets)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                value = self._creating(node.value)
                if value is not None:
                    created[id(node.target)] = value
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                value = self._creating(node.context_expr)
                if value is not None:
                    created[id(node.optional_vars)] = value
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self._bind_name(node, created.get(id(node)))
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self._bind_attribute(node, created.get(id(node)))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind_other(node, node.name)
                if not isinstance(node, ast.ClassDef):
                    self._note_method(node)
                    for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                node.args.vararg, node.args.kwarg]:
                        if arg is not None:
                            self._names.setdefault((node, arg.arg), []).append(UNKNOWN)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self._bind_other(node, node.name)

    def _creating(self, value: ast.AST) -> ast.Call | None:
        return value if isinstance(value, ast.Call) and self.creates(value) else None

    def _note_method(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope = self.names.scopes.get(node)
        parent = scope.parent if scope else None
        if parent is None or not parent.is_class:
            return
        positional = [*node.args.posonlyargs, *node.args.args]
        is_static = any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in node.decorator_list
        )
        if positional and not is_static:
            self._methods[node] = (parent.node, positional[0].arg)

    def _bind_name(self, name: ast.Name, value: ast.Call | None) -> None:
        scope = self.names.scope_for(name)
        if scope is None:
            return
        while scope.is_comprehension and scope.parent is not None and name.id not in scope.bindings:
            scope = scope.parent  # `:=` inside a comprehension binds outside it
        if name.id in scope.global_names or name.id in scope.nonlocal_names:
            # Rebound from a nested scope: the binding it names is no longer one call.
            owner = self.names.binding_scope(name) if name.id in scope.nonlocal_names else None
            scope = owner or self.names.declaring_scope(name.id, scope)
            value = UNKNOWN
        self._names.setdefault((scope.node, name.id), []).append(value)

    def _bind_other(self, node: ast.AST, name: str) -> None:
        scope = self.names.scope_for(node)
        if scope is not None:
            self._names.setdefault((scope.node, name), []).append(UNKNOWN)

    def _bind_attribute(self, target: ast.Attribute, value: ast.Call | None) -> None:
        if isinstance(target.value, ast.Name):
            owner = self._class_of_self(target.value)
            if owner is not None:
                self._attributes.setdefault((owner, target.attr), []).append(value)
