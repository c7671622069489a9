"""The cache's data-only encoding: round trips readylint's values, and refuses
to build anything that is not plain data or one of readylint's own classes."""

from __future__ import annotations

import sys

import pytest

from readylint import plaindata
from readylint.diagnostics import Applicability, Edit, Finding, Fix, Position, Severity
from readylint.engine import FileResult
from readylint.suppress import Suppressions


def test_readylint_values_round_trip_with_their_types():
    finding = Finding(
        "RL101", "outbound-call-without-timeout", Severity.ERROR, "a.py", 3, 5, 3, 20, "no timeout",
        fix=Fix(Applicability.UNSAFE, (Edit(Position(3, 19), Position(3, 19), ", timeout=10"),)),
    )
    value = FileResult(
        "a.py", findings=[finding],
        facts={"RL201": [("x.y", True), frozenset({1}), {2: None}], ("k", 1): 1.5},
        suppressions=Suppressions(file_codes={"RL501"}, line_codes={4: {"*"}}),
        analysed=True,
    )
    decoded = plaindata.loads(plaindata.dumps(value))
    assert decoded == value
    assert type(decoded.findings[0].severity) is Severity
    assert type(decoded.facts["RL201"][0]) is tuple and type(decoded.facts["RL201"][1]) is frozenset


def test_trailing_defaults_are_left_out_and_restored_fresh():
    text = plaindata.dumps(FileResult("a.py"))
    assert text == '{"readylint.engine:FileResult":["a.py"]}'
    first, second = plaindata.loads(text), plaindata.loads(text)
    assert first == FileResult("a.py") and first.findings is not second.findings


@pytest.mark.parametrize(
    "text",
    [
        '{"os:system": ["echo pwned"]}',  # not ours
        '{"builtins:eval": ["1"]}',
        '{"readylint.cli:main": []}',  # ours, but a function
        '{"readylint.not_imported:Thing": []}',  # decoding never imports
        '{"readylint.engine:FileResult": []}',  # too few fields
        '{"readylint.engine:FileResult": ["a", [], {"d": []}, null, null, [], true, false, 9]}',  # too many
        '{"readylint.diagnostics:Severity": "fatal"}',  # no such member
        '{"t": [1], "s": [2]}',  # two tags
        '{"q": [1]}',
        '[1, 2',
    ],
)
def test_anything_else_is_refused(text):
    modules = set(sys.modules)
    with pytest.raises(plaindata.PlainDataError):
        plaindata.loads(text)
    assert set(sys.modules) == modules


def test_values_of_other_libraries_are_not_encoded():
    from pathlib import Path

    with pytest.raises(plaindata.PlainDataError):
        plaindata.dumps({"path": Path("a")})
