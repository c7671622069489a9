"""QualifiedNames: what a name means, scope by scope."""

from __future__ import annotations

import ast
import textwrap

import pytest

from readylint.python.names import QualifiedNames


def call_names(source: str) -> dict[int, str | None]:
    """Line -> qualified name of the (last) call's callee on that line."""
    tree = ast.parse(textwrap.dedent(source))
    names = QualifiedNames(tree, module_name="app.views")
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found[node.lineno] = names.of(node.func)
    return found


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import requests\nrequests.get(u)\n", "requests.get"),
        ("import requests as rq\nrq.get(u)\n", "requests.get"),
        ("from requests import post\npost(u)\n", "requests.post"),
        ("from requests import post as p\np(u)\n", "requests.post"),
        ("import urllib.request\nurllib.request.urlopen(u)\n", "urllib.request.urlopen"),
        ("import urllib.request as ur\nur.urlopen(u)\n", "urllib.request.urlopen"),
        ("from . import client\nclient.get(u)\n", "app.client.get"),
        ("from .http import get\nget(u)\n", "app.http.get"),
        ("from ..core import get\nget(u)\n", "core.get"),
    ],
)
def test_import_styles(source, expected):
    assert call_names(source)[2] == expected


def test_unbound_name_is_none_and_attribute_of_call_is_none():
    assert call_names("get(u)\n")[1] is None
    tree = ast.parse("import requests\nrequests.Session().get(u)\n")
    outer = tree.body[1].value
    assert QualifiedNames(tree).of(outer.func) is None
    assert QualifiedNames(tree).of(outer.func.value.func) == "requests.Session"


def test_parameter_and_assignment_shadow_the_import():
    found = call_names(
        """
        import requests

        def handler(requests):
            requests.get(u)

        def other():
            requests = FakeClient()
            requests.get(u)

        def fine():
            requests.get(u)
        """
    )
    assert found[5] is None
    assert found[9] is None
    assert found[12] == "requests.get"


def test_local_def_shadows_import_in_its_scope():
    found = call_names(
        """
        from requests import get

        def get(url):
            return url

        get(u)
        """
    )
    assert found[7] is None


def test_global_statement_sees_the_module_binding():
    found = call_names(
        """
        import requests

        def handler():
            global requests
            requests.get(u)
        """
    )
    assert found[6] == "requests.get"


def test_class_scope_is_not_visible_from_methods():
    found = call_names(
        """
        import requests

        class Client:
            requests = None

            def fetch(self):
                requests.get(u)

        Client.requests.get(u)
        """
    )
    assert found[8] == "requests.get"


def test_comprehension_target_is_local_to_the_comprehension():
    found = call_names(
        """
        import requests

        def handler(urls, clients):
            [requests.get(u) for requests in clients]
            requests.get(u)
        """
    )
    # The comprehension's target shadows the import only inside it.
    assert found[5] is None
    assert found[6] == "requests.get"


def test_comprehension_first_iterable_is_evaluated_outside():
    found = call_names(
        """
        import requests

        def handler(get):
            return [
                x for get in [requests.get(u)]
                for x in get(v)
            ]
        """
    )
    assert found[6] == "requests.get"
    assert found[7] is None  # the comprehension's own `get`


def test_comprehension_in_class_body_does_not_see_class_names():
    found = call_names(
        """
        from requests import get

        class Fetcher:
            get = staticmethod(len)
            results = [get(u) for u in URLS]
        """
    )
    assert found[6] == "requests.get"


def test_walrus_in_comprehension_binds_in_the_function():
    found = call_names(
        """
        import requests

        def handler(items):
            [(requests := x) for x in items]
            requests.get(u)
        """
    )
    assert found[6] is None


def test_import_and_assignment_in_one_scope_is_local():
    found = call_names(
        """
        try:
            import requests
        except ImportError:
            requests = None
        requests.get(u)
        """
    )
    assert found[6] is None


def test_lambda_parameter_shadows():
    found = call_names("from requests import get\nf = lambda get: get(u)\nget(u)\n")
    assert found[2] is None
    assert found[3] == "requests.get"


def test_decorators_and_defaults_resolve_in_the_enclosing_scope():
    found = call_names(
        """
        import functools
        import requests

        @functools.lru_cache(maxsize=1)
        def handler(session=requests.Session()):
            pass
        """
    )
    assert found[5] == "functools.lru_cache"
    assert found[6] == "requests.Session"


def test_global_in_a_nested_function_skips_the_enclosing_function():
    found = call_names(
        """
        import requests

        def outer(requests):
            def inner():
                global requests
                requests.get(u)
            return inner
        """
    )
    assert found[7] == "requests.get"


def test_nonlocal_refers_to_the_enclosing_function():
    found = call_names(
        """
        import requests

        def outer(requests):
            def inner():
                nonlocal requests
                requests.get(u)
            return inner
        """
    )
    assert found[7] is None


def test_scopes_as_deep_as_the_parser_allows_do_not_exhaust_the_stack(tmp_path):
    from conftest import lint

    (tmp_path / "deep.py").write_text("import requests\nf = " + "lambda: " * 500 + "requests.get(u)\n")
    result = lint([tmp_path])
    assert not result.internal_errors
    assert [(f.code, f.line) for f in result.findings] == [("RL101", 2)]
