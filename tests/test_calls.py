"""Reading call arguments: keyword, position, `*args`, `**kwargs`, literal dicts."""

from __future__ import annotations

import ast

import pytest

from readylint.python.calls import UNKNOWN, ArgumentSlot, argument, is_constant

SLOT = ArgumentSlot(("timeout",), position=2)


def passed(source: str):
    found = argument(ast.parse(source).body[0].value, SLOT)
    return found if found is None or found is UNKNOWN else ast.unparse(found)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("urlopen(url)", None),
        ("urlopen(url, data)", None),
        ("urlopen(url, data, 10)", "10"),
        ("urlopen(url, timeout=T)", "T"),
        ("urlopen(url, data=d, timeout=(3, 27))", "(3, 27)"),
        ("urlopen(*args)", UNKNOWN),
        ("urlopen(url, data, *rest)", UNKNOWN),
        ("urlopen(url, **options)", UNKNOWN),
        ("urlopen(url, **{'timeout': 5})", "5"),
        ("urlopen(url, **{'headers': h})", None),
        ("urlopen(url, **{key: 5})", UNKNOWN),
        ("urlopen(url, **{'headers': h}, timeout=None)", "None"),
    ],
)
def test_argument(source, expected):
    assert passed(source) == expected


def test_is_constant_does_not_confuse_booleans_with_numbers():
    assert is_constant(ast.Constant(None), (None, 0))
    assert is_constant(ast.Constant(0), (None, 0))
    assert not is_constant(ast.Constant(False), (None, 0))
    assert not is_constant(ast.Constant(5), (None, 0))
    assert not is_constant(ast.Name("TIMEOUT"), (None,))
