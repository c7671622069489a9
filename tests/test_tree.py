"""TreeIndex: one pre-order pass that answers every rule's subtree questions; and the
other per-file analyses checks share (SourceFile.shared)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from readylint.catalog import Catalog
from readylint.python.names import QualifiedNames
from readylint.python.tree import DEFERRED_CODE, TreeIndex
from readylint.python.webhooks import WebhookRules

SINGLETONS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
from readylint.sources import SourceFile

SOURCE = textwrap.dedent(
    """
    import requests

    class Client:
        def fetch(self, url, retries=len("ab")):
            data = [requests.get(u) for u in [url]]
            callback = lambda: requests.post(url)

            def nested():
                return requests.delete(url)

            return data, callback, nested

    def top():
        return Client().fetch("x")
    """
)


@pytest.fixture()
def tree() -> ast.Module:
    return ast.parse(SOURCE)


def ast_walk(node: ast.AST) -> list[ast.AST]:
    """`ast.walk` without the shared context and operator singletons the index leaves out."""
    return [n for n in ast.walk(node) if not isinstance(n, SINGLETONS)]


def calls(nodes) -> list[str]:
    return sorted(ast.unparse(n.func) for n in nodes if isinstance(n, ast.Call))


def test_walk_is_ast_walk_in_pre_order(tree):
    index = TreeIndex(tree)
    fetch = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "fetch")
    walked = index.walk(fetch)
    assert walked[0] is fetch
    assert {id(n) for n in walked} == {id(n) for n in ast_walk(fetch)}
    assert len(walked) == len(ast_walk(fetch))
    # Pre-order: every node comes after its parent, siblings in source order.
    position = {id(n): i for i, n in enumerate(walked)}
    for parent in walked:
        children = [c for c in ast.iter_child_nodes(parent) if not isinstance(c, SINGLETONS)]
        assert all(position[id(child)] > position[id(parent)] for child in children)
    statements = [n for n in walked if isinstance(n, ast.stmt)]
    assert [s.lineno for s in statements if s in fetch.body] == sorted(s.lineno for s in fetch.body)
    assert index.descendants(fetch) == walked[1:]
    assert len(index.nodes) == len(ast_walk(tree))
    assert not any(isinstance(n, SINGLETONS) for n in index.nodes)


def test_scope_stops_at_nested_scopes(tree):
    index = TreeIndex(tree)
    fetch = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "fetch")
    own = index.scope(fetch)
    # The comprehension, the lambda and the nested def are listed, not entered.
    assert calls(own) == ["len"]
    assert any(isinstance(n, ast.Lambda) for n in own)
    assert any(isinstance(n, ast.FunctionDef) and n.name == "nested" for n in own)
    # Comprehensions run with the function: only deferred code is skipped.
    assert calls(index.scope(fetch, DEFERRED_CODE)) == ["len", "requests.get"]
    assert fetch not in own


def test_of_type_concrete_abstract_and_several(tree):
    index = TreeIndex(tree)
    assert [f.name for f in index.of_type(ast.FunctionDef)] == ["fetch", "nested", "top"]
    assert [c.name for c in index.of_type(ast.ClassDef)] == ["Client"]
    assert len(index.of_type(ast.stmt)) == len([n for n in ast.walk(tree) if isinstance(n, ast.stmt)])
    assert [type(n).__name__ for n in index.of_type(ast.Import, ast.ClassDef)] == ["Import", "ClassDef"]


def test_deep_trees_do_not_recurse():
    # `1 + 1 + ...` parses into a left-leaning chain deeper than Python's recursion limit.
    terms = 1500
    tree = ast.parse("x = " + " + ".join(["1"] * terms))
    index = TreeIndex(tree)
    assert len(index.nodes) == len(ast_walk(tree))
    assert len(index.walk(tree.body[0].value)) == 2 * terms - 1  # the constants and the BinOps


def test_index_of_a_subtree_only_knows_that_subtree(tree):
    function = tree.body[-1]
    index = TreeIndex(function)
    assert function in index and tree not in index
    assert index.walk(function)[0] is function


def test_source_file_segment_matches_ast(tree):
    text = "x = 1\nvalue = call(\n    'é',  # accent\n    two)\n"
    file = SourceFile("a.py", text)
    for node in ast.walk(file.python.tree):
        if hasattr(node, "lineno"):
            assert file.segment(node) == ast.get_source_segment(text, node)
    assert file.segment(file.python.tree) == ""  # a module has no position


def test_children_are_iter_child_nodes(tree):
    index = TreeIndex(tree)
    for node in ast.walk(tree):
        if not isinstance(node, SINGLETONS):
            assert index.children(node) == [c for c in ast.iter_child_nodes(node) if not isinstance(c, SINGLETONS)]


def test_contains_finds_types_in_a_subtree_only(tree):
    index = TreeIndex(tree)
    fetch, top = tree.body[1].body[0], tree.body[2]
    assert index.contains(fetch, (ast.Lambda,))
    assert not index.contains(top, (ast.Lambda,))
    assert index.contains(top, (ast.Return, ast.Lambda))
    assert index.contains(top, (ast.FunctionDef,))  # the node itself counts
    assert not index.contains(tree.body[0], (ast.FunctionDef,))


def test_analyses_of_a_file_are_built_once_and_shared():
    file = SourceFile("app/views.py", "import requests\nrequests.get('https://x')\n")
    built = []
    first = file.shared("key", lambda: built.append(1) or object())
    assert file.shared("key", lambda: built.append(2) or object()) is first and built == [1]
    assert QualifiedNames.for_file(file) is QualifiedNames.for_file(file)
    assert QualifiedNames.for_file(file).index is file.tree_index
    # Another file with the same text has its own analyses.
    other = SourceFile("app/views.py", file.text)
    assert QualifiedNames.for_file(other) is not QualifiedNames.for_file(file)


def test_both_webhook_rules_share_one_analysis_per_file():
    catalog = Catalog.load()
    rules = WebhookRules.for_catalog(catalog)
    assert WebhookRules.for_catalog(catalog) is rules  # RL301 and RL302 get the same
    file = SourceFile("hooks.py", "import stripe\n\ndef stripe_webhook(request):\n    return 1\n")
    assert rules.module(file) is rules.module(file)
