"""ObjectFlow: which names and self attributes hold an object made by a given call."""

from __future__ import annotations

import ast
import textwrap

from readylint.python.names import QualifiedNames
from readylint.python.objects import ObjectFlow
from readylint.python.tree import TreeIndex


def receivers(source: str) -> dict[int, list[int] | None]:
    """Line of each `.get(...)` call -> lines of the Session() calls its receiver comes from."""
    tree = ast.parse(textwrap.dedent(source))
    names = QualifiedNames(tree)
    flow = ObjectFlow(TreeIndex(tree), names, lambda call: names.of(call.func) == "requests.Session")
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            origins = flow.origins(node.func.value)
            found[node.lineno] = None if origins is None else [o.lineno for o in origins]
    return found


def test_local_with_chained_and_module_level():
    found = receivers(
        """
        import requests
        http = requests.Session()

        def handler(url):
            s = requests.Session()
            s.get(url)
            with requests.Session() as c:
                c.get(url)
            requests.Session().get(url)
            http.get(url)
        """
    )
    assert found == {7: [6], 9: [8], 10: [10], 11: [3]}


def test_self_attribute_set_in_init_used_in_another_method():
    found = receivers(
        """
        import requests

        class Client:
            session = requests.Session()

            def __init__(self):
                self.http = requests.Session()

            def fetch(self, url):
                self.http.get(url)
                self.session.get(url)

                def inner():
                    return self.http.get(url)

            def other(this, url):
                this.http.get(url)
        """
    )
    assert found == {11: [8], 12: [5], 15: [8], 18: [8]}


def test_any_other_binding_makes_the_origin_unknown():
    found = receivers(
        """
        import requests

        def param(s):
            s.get(url)

        def reassigned(cache):
            s = requests.Session()
            s = cache
            s.get(url)

        def loop(sessions):
            for s in sessions:
                s.get(url)

        def maybe(session=None):
            s = session or requests.Session()
            s.get(url)

        class Client:
            def __init__(self, session):
                self.http = session

            def fetch(self):
                self.http.get(url)

        def not_a_session(environ):
            environ.get("X")
            {}.get("x")
        """
    )
    assert found == {5: None, 10: None, 14: None, 18: None, 25: None, 28: None, 29: None}


def test_global_rebinding_and_shadowing():
    found = receivers(
        """
        import requests
        http = requests.Session()

        def reset(cache):
            global http
            http = cache

        def use(url):
            http.get(url)

        def shadowed(url, http):
            http.get(url)
        """
    )
    assert found == {10: None, 13: None}


def test_two_creating_assignments_give_both_origins():
    found = receivers(
        """
        import requests

        def handler(flag):
            if flag:
                s = requests.Session()
            else:
                s = requests.Session()
            s.get(url)
        """
    )
    assert found == {9: [6, 8]}


def test_nonlocal_rebinding_makes_the_origin_unknown():
    found = receivers(
        """
        import requests

        def handler(url, cache):
            s = requests.Session()

            def swap():
                nonlocal s
                s = cache

            swap()
            s.get(url)
        """
    )
    assert found == {12: None}
