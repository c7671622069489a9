"""One pre-order index of a module's `ast` tree, shared by every rule.

Rules ask a tree the same questions over and over: every call a function
makes, every class of the module, every node under a loop. `ast.walk`
answers each one by walking the subtree again through `iter_child_nodes`,
and those walks cost more than the rules' own logic. This index walks the
tree once, in pre-order, so that any node's subtree is a contiguous slice
of one list:

    index = file.tree_index          # built once per file, on first use
    index.walk(function)             # the function and every node under it
    index.scope(function)            # only what runs in the function's own scope
    index.of_type(ast.ClassDef)      # every class, in source order

Pre-order means a node comes before everything under it and after its
enclosing nodes (`ast.walk`, breadth-first, gives the same guarantee), and
siblings come in source order. Unlike `ast.walk`, the index leaves out the
expression contexts and operators (`Load`, `Store`, `Add`, `In`, ...): the
parser shares one instance of each across the whole tree, so they have no
place of their own, and they are a third of all nodes. Read them through
their parent (`name.ctx`, `compare.ops`).
"""

from __future__ import annotations

import ast
import bisect
from typing import TypeVar

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Code that does not run when the enclosing code runs (comprehensions do).
DEFERRED_CODE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Nodes that open a scope of their own: a function's body does not run
# when the enclosing code does, and a comprehension binds its own names.
NESTED_SCOPES = (*DEFERRED_CODE, *COMPREHENSIONS)

Node = TypeVar("Node", bound=ast.AST)

# The fields that hold the shared context and operator singletons.
SINGLETON_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # node class -> its other fields


class TreeIndex:
    """Every node of a tree (or subtree) in pre-order, with subtree bounds."""

    def __init__(self, root: ast.AST):
        self.nodes: list[ast.AST] = []
        # nodes[i]'s subtree is nodes[i:ends[i]].
        self._ends: list[int] = []
        self._position: dict[ast.AST, int] = {}
        self._by_type: dict[type, list[ast.AST]] | None = None
        self._positions_of: dict[tuple[type, ...], list[int]] = {}
        self._add(root)

    def _add(self, root: ast.AST) -> None:
        # An explicit stack, not recursion: a long `a + b + c + ...` parses
        # into a tree thousands of levels deep. A `None` on the stack closes
        # the subtree opened last.
        nodes, ends, position = self.nodes, self._ends, self._position
        stack: list[ast.AST | None] = [root]
        opened: list[int] = []
        while stack:
            node = stack.pop()
            if node is None:
                ends[opened.pop()] = len(nodes)
                continue
            start = len(nodes)
            position[node] = start
            nodes.append(node)
            ends.append(start + 1)
            fields = _CHILD_FIELDS.get(node.__class__)
            if fields is None:
                fields = _CHILD_FIELDS[node.__class__] = tuple(f for f in node._fields if f not in SINGLETON_FIELDS)
            children: list[ast.AST] = []
            for name in fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    children += [item for item in value if isinstance(item, ast.AST)]
                elif isinstance(value, ast.AST):
                    children.append(value)
            if children:
                opened.append(start)
                stack.append(None)
                children.reverse()
                stack += children

    def __contains__(self, node: ast.AST) -> bool:
        return node in self._position

    def walk(self, node: ast.AST) -> list[ast.AST]:
        """`node` and every node under it (like `ast.walk`, in pre-order,
        without contexts and operators)."""
        start = self._position[node]
        return self.nodes[start:self._ends[start]]

    def descendants(self, node: ast.AST) -> list[ast.AST]:
        """Every node under `node`, not `node` itself."""
        start = self._position[node]
        return self.nodes[start + 1:self._ends[start]]

    def children(self, node: ast.AST) -> list[ast.AST]:
        """`node`'s direct children, in source order (like `ast.iter_child_nodes`,
        without contexts and operators)."""
        nodes, ends = self.nodes, self._ends
        start = self._position[node]
        index, end = start + 1, ends[start]
        found = []
        while index < end:
            found.append(nodes[index])
            index = ends[index]
        return found

    def contains(self, node: ast.AST, types: tuple[type, ...]) -> bool:
        """Is there a node of these types in `node`'s subtree (`node` included)?
        A binary search: lets a visitor skip subtrees with nothing for it."""
        positions = self._positions_of.get(types)
        if positions is None:
            positions = self._positions_of[types] = [self._position[n] for n in self.of_type(*types)]
        start = self._position[node]
        found = bisect.bisect_left(positions, start)
        return found < len(positions) and positions[found] < self._ends[start]

    def scope(self, node: ast.AST, boundaries: tuple[type, ...] = NESTED_SCOPES) -> list[ast.AST]:
        """Every node under `node` except what lies inside a nested boundary:
        a nested function, lambda, class or comprehension is listed itself,
        but nothing under it (its defaults and decorators included)."""
        nodes, ends = self.nodes, self._ends
        start = self._position[node]
        index, end = start + 1, ends[start]
        found = []
        while index < end:
            child = nodes[index]
            found.append(child)
            index = ends[index] if isinstance(child, boundaries) else index + 1
        return found

    def of_type(self, *types: type[Node]) -> list[Node]:
        """Every node of these types, in source (pre-)order."""
        if self._by_type is None:
            by_type: dict[type, list[ast.AST]] = {}
            for node in self.nodes:
                by_type.setdefault(node.__class__, []).append(node)
            self._by_type = by_type
        if len(types) == 1 and not types[0].__subclasses__():  # a concrete node type
            return list(self._by_type.get(types[0], ()))  # type: ignore[arg-type]
        return [node for node in self.nodes if isinstance(node, types)]  # type: ignore[misc]
