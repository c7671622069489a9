"""What a name means: imports and local bindings, scope by scope.

`import requests as rq` makes `rq.get` mean `requests.get`; `from requests
import post` makes `post` mean `requests.post`; a parameter or an assignment
named `requests` in a function shadows the import there. Rules ask
`QualifiedNames.of(node)` and get the dotted name or None, never a guess.

Python scoping is static: a name assigned anywhere in a function is local to
the whole function. So each scope's bindings are collected first, then names
are resolved innermost scope outwards, skipping class scopes for nested
functions, as the interpreter does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from readylint.python.tree import COMPREHENSIONS, NESTED_SCOPES, TreeIndex

if TYPE_CHECKING:
    from readylint.sources import SourceFile

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

# A binding that is not an import: a local variable, parameter, def or class.
LOCAL = ""
# The node types that open a scope or may bind a name (`_record_binding`).
SCOPES_AND_BINDINGS = frozenset({
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, *COMPREHENSIONS, ast.NamedExpr,
    ast.Import, ast.ImportFrom, ast.Name, ast.Global, ast.Nonlocal, ast.ExceptHandler,
    ast.MatchAs, ast.MatchStar, ast.MatchMapping,
})


@dataclass
class Scope:
    node: ast.AST
    parent: "Scope | None"
    # name -> qualified name for imports, LOCAL for any other binding. A name
    # both imported and assigned in one scope is LOCAL: we cannot tell which
    # binding a use sees without flow analysis, and silence beats a guess.
    bindings: dict[str, str] = field(default_factory=dict)
    # Names declared `global` (bound in the module) or `nonlocal` (bound in an
    # enclosing function) here: assignments in this scope do not bind them here.
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    @property
    def is_comprehension(self) -> bool:
        return isinstance(self.node, COMPREHENSIONS)

    def bind(self, name: str, meaning: str) -> None:
        if name in self.global_names or name in self.nonlocal_names:
            return
        previous = self.bindings.get(name)
        if previous is None or previous == meaning:
            self.bindings[name] = meaning
        else:
            self.bindings[name] = LOCAL


def module_name_of(path: str) -> str:
    """`shop/views.py` -> 'shop.views'; a package's `__init__.py` keeps
    '.__init__' so that its relative imports resolve against the package.
    (Paths are relative to the scanned root; a `src/` prefix stays and is
    matched by suffix where it matters.)"""
    stem = path[:-4] if path.endswith(".pyi") else path[:-3] if path.endswith(".py") else path
    return ".".join(part for part in stem.replace("\\", "/").split("/") if part not in ("", "."))


class QualifiedNames:
    """Resolve names and attribute chains of one module to qualified names."""

    @classmethod
    def for_file(cls, file: SourceFile) -> "QualifiedNames | None":
        """The file's shared instance; None when the file has no `ast` tree."""
        tree = file.python.tree
        if tree is None:
            return None
        return file.shared(cls, lambda: cls(tree, module_name_of(file.path), file.tree_index))

    def __init__(self, tree: ast.Module, module_name: str = "", index: TreeIndex | None = None):
        """`index`: the file's shared `TreeIndex` (`SourceFile.tree_index`), or None to index `tree` here."""
        self.module_name = module_name
        self.index = index if index is not None else TreeIndex(tree)
        self.scope_of: dict[ast.AST, Scope] = {}
        self.scopes: dict[ast.AST, Scope] = {}
        # Work still to do, as a stack rather than recursion: nesting as deep
        # as the parser allows (500 lambdas) must not exhaust Python's stack.
        self._pending: list[tuple[Callable[[ast.AST, Scope | None], None], ast.AST, Scope | None]] = []
        self._later(self._build, tree, None)
        while self._pending:
            step, node, scope = self._pending.pop()
            step(node, scope)

    def _later(self, step: Callable[[ast.AST, Scope | None], None], node: ast.AST, scope: Scope | None) -> None:
        self._pending.append((step, node, scope))

    # -------------------------------------------------------------- building

    def _build(self, node: ast.AST, parent: Scope | None) -> None:
        scope = Scope(node, parent)
        self.scopes[node] = scope
        if isinstance(node, FUNCTIONS):
            for arg in _all_args(node.args):
                scope.bind(arg.arg, LOCAL)
        if isinstance(node, COMPREHENSIONS):
            body = self._comprehension_body(node)
        else:
            body = node.body if isinstance(node.body, list) else [node.body]
        for part in body:
            self._later(self._visit, part, scope)

    def _visit(self, root: ast.AST, scope: Scope) -> None:
        """`root` and every node under it that runs in `scope`; the nested
        scopes met on the way are built in turn."""
        nodes = [root] if isinstance(root, NESTED_SCOPES) else [root, *self.index.scope(root)]
        walrus_targets = set()
        for child in nodes:
            self.scope_of[child] = scope
            if child.__class__ not in SCOPES_AND_BINDINGS:
                continue  # most nodes: a type test spares the isinstance chain below
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope.bind(child.name, LOCAL)
                # Decorators, defaults, annotations and bases are evaluated in this scope.
                header: list[ast.AST] = list(child.decorator_list)
                if isinstance(child, ast.ClassDef):
                    header += [*child.bases, *child.keywords]
                else:
                    header += [*child.args.defaults, *(d for d in child.args.kw_defaults if d is not None)]
                    header += [a.annotation for a in _all_args(child.args) if a.annotation]
                    if child.returns:
                        header.append(child.returns)
                for part in header:
                    self._later(self._visit, part, scope)
                self._later(self._build, child, scope)
            elif isinstance(child, ast.Lambda):
                for part in [*child.args.defaults, *(d for d in child.args.kw_defaults if d is not None)]:
                    self._later(self._visit, part, scope)
                self._later(self._build, child, scope)
            elif isinstance(child, COMPREHENSIONS):
                # The first iterable is evaluated in the enclosing scope; the
                # rest, targets included, in the comprehension's own scope.
                self._later(self._visit, child.generators[0].iter, scope)
                self._later(self._build, child, scope)
            elif isinstance(child, ast.NamedExpr) and scope.is_comprehension:
                # `:=` in a comprehension binds in the enclosing function.
                self._binding_scope(scope).bind(child.target.id, LOCAL)
                walrus_targets.add(child.target)
            elif child not in walrus_targets:
                self._record_binding(child, scope)

    @staticmethod
    def _comprehension_body(node: ast.AST) -> list[ast.AST]:
        parts: list[ast.AST] = []
        for index, generator in enumerate(node.generators):
            parts.append(generator.target)
            if index:
                parts.append(generator.iter)
            parts.extend(generator.ifs)
        if isinstance(node, ast.DictComp):
            parts += [node.key, node.value]
        else:
            parts.append(node.elt)
        return parts

    @staticmethod
    def _binding_scope(scope: Scope) -> Scope:
        while scope.is_comprehension and scope.parent is not None:
            scope = scope.parent
        return scope

    def _record_binding(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, alias.name)
                else:
                    # `import a.b` binds `a`, and `a.b.c` then resolves through it.
                    top = alias.name.split(".")[0]
                    scope.bind(top, top)
        elif isinstance(node, ast.ImportFrom):
            module = self._absolute_module(node)
            for alias in node.names:
                if alias.name == "*":
                    continue
                scope.bind(alias.asname or alias.name, f"{module}.{alias.name}" if module else alias.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            scope.bind(node.id, LOCAL)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared = scope.global_names if isinstance(node, ast.Global) else scope.nonlocal_names
            declared.update(node.names)
            for name in node.names:
                scope.bindings.pop(name, None)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            scope.bind(node.name, LOCAL)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            scope.bind(node.name, LOCAL)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            scope.bind(node.rest, LOCAL)

    def _absolute_module(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.module_name.split(".")[: -node.level] if self.module_name else []
        return ".".join([*package, node.module] if node.module else package)

    # -------------------------------------------------------------- queries

    def scope_for(self, node: ast.AST) -> Scope | None:
        return self.scope_of.get(node)

    def lookup(self, name: str, scope: Scope | None) -> str | None:
        """What `name` means in `scope`: a qualified name, LOCAL, or None (unbound: a builtin)."""
        scope = self.declaring_scope(name, scope)
        current, first = scope, True
        while current is not None:
            # Class bodies are not visible from functions nested in them.
            if (first or not current.is_class) and name in current.bindings:
                return current.bindings[name]
            first = False
            current = current.parent
        return None

    @staticmethod
    def declaring_scope(name: str, scope: Scope | None) -> Scope | None:
        """Where a lookup of `name` starts: the module for a name declared `global`."""
        if scope is not None and name in scope.global_names:
            while scope.parent is not None:
                scope = scope.parent
        return scope

    def binding_scope(self, name: ast.Name) -> Scope | None:
        """The scope whose local variable `name` is (None for imports and builtins)."""
        current, first = self.declaring_scope(name.id, self.scope_for(name)), True
        while current is not None:
            if (first or not current.is_class) and name.id in current.bindings:
                return current if current.bindings[name.id] == LOCAL else None
            first = False
            current = current.parent
        return None

    def of(self, node: ast.AST, scope: Scope | None = None) -> str | None:
        """`rq.adapters.HTTPAdapter` -> 'requests.adapters.HTTPAdapter' when `rq` is an import."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        meaning = self.lookup(node.id, scope or self.scope_for(node))
        if not meaning:
            return None
        return ".".join([meaning, *reversed(parts)])


def _all_args(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found += [a for a in (args.vararg, args.kwarg) if a is not None]
    return found
