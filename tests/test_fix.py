"""Fixes: applying edits, the fix loop, `--fix`, `--unsafe-fixes`, `--diff`, fixture expectations."""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.cli import main
from readylint.diagnostics import Applicability, Edit, Fix, Position
from readylint.fix import apply_fixes
from readylint.python.calls import add_keyword_edit
from readylint.sources import SourceFile

from conftest import FIXTURES, lint


def insertion(line: int, column: int, text: str, safe: bool = True) -> Fix:
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    return Fix(applicability, (Edit(Position(line, column), Position(line, column), text),))


def test_non_overlapping_fixes_apply_and_overlapping_ones_wait():
    text = "abc\ndef\n"
    replace = Fix(Applicability.SAFE, (Edit(Position(1, 1), Position(1, 3), "X"),))
    inside = insertion(1, 2, "Y")
    later = insertion(2, 4, "!")
    fixed, count = apply_fixes(text, [replace, inside, later])
    assert (fixed, count) == ("Xc\ndef!\n", 2)


def test_two_insertions_at_one_point_are_not_both_applied():
    fixed, count = apply_fixes("ab", [insertion(1, 2, "1"), insertion(1, 2, "2")])
    assert count == 1 and fixed in ("a1b", "a2b")


def keyword_added(source: str) -> str:
    source = textwrap.dedent(source)
    file = SourceFile("x.py", source)
    call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute) and n.func.attr == "get")
    edit = add_keyword_edit(file, call, "timeout", "10")
    assert edit is not None
    fixed, _ = apply_fixes(source, [Fix(Applicability.UNSAFE, (edit,))])
    ast.parse(fixed)
    return fixed


@pytest.mark.parametrize(
    "source, expected",
    [
        ("requests.get()\n", "requests.get(timeout=10)\n"),
        ("requests.get(url)\n", "requests.get(url, timeout=10)\n"),
        ("requests.get((url))\n", "requests.get((url), timeout=10)\n"),
        ("requests.get(url,)\n", "requests.get(url, timeout=10)\n"),
        ("requests.get(url, )\n", "requests.get(url, timeout=10)\n"),
        ("requests.get(*args)\n", "requests.get(*args, timeout=10)\n"),
        ("x = 'é'; requests.get(url)\n", "x = 'é'; requests.get(url, timeout=10)\n"),
        ("requests.Session().get(url)\n", "requests.Session().get(url, timeout=10)\n"),
        ("requests.get(url  # why\n)\n", "requests.get(url, timeout=10  # why\n)\n"),
        (
            "requests.get(\n    url,\n    params=p,  # filters\n)\n",
            "requests.get(\n    url,\n    params=p,  # filters\n    timeout=10,\n)\n",
        ),
        ("requests.get(\n    url\n)\n", "requests.get(\n    url, timeout=10\n)\n"),
        ("requests.get(f'{base}/x', data={'a': (1, 2)})\n",
         "requests.get(f'{base}/x', data={'a': (1, 2)}, timeout=10)\n"),
    ],
)
def test_keyword_is_added_keeping_the_layout(source, expected):
    assert keyword_added(source) == expected


def test_bare_generator_argument_gets_no_edit():
    source = "session.get(x for x in y)\n"
    call = ast.parse(source).body[0].value
    assert add_keyword_edit(SourceFile("x.py", source), call, "timeout", "10") is None


def fixture_pairs() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.fixed.py"))


@pytest.mark.parametrize("fixed", fixture_pairs(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_fix_expectation(fixed: Path, tmp_path: Path):
    case = fixed.with_name(fixed.name.replace(".fixed.py", ".py"))
    target = tmp_path / case.name
    shutil.copy(case, target)
    result = CliRunner().invoke(main, ["check", str(target), "--fix", "--unsafe-fixes", "-q", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    assert target.read_text(encoding="utf-8") == fixed.read_text(encoding="utf-8")
    # The fixed file parses, and only findings without a fix remain.
    ast.parse(target.read_text(encoding="utf-8"))
    remaining = lint([target]).findings
    assert all(f.fix is None for f in remaining), [(f.line, f.message) for f in remaining]


FLAGGED = "import requests\n\n\ndef f(url):\n    return requests.get(url)\n"


def test_fix_without_unsafe_fixes_leaves_unsafe_fixes_alone(tmp_path: Path):
    target = tmp_path / "app.py"
    target.write_text(FLAGGED)
    result = CliRunner().invoke(main, ["check", str(target), "--fix", "-q"])
    assert result.exit_code == 1
    assert target.read_text() == FLAGGED


def test_fix_with_unsafe_fixes_writes_and_reports_what_is_left(tmp_path: Path):
    target = tmp_path / "app.py"
    target.write_text(FLAGGED)
    result = CliRunner().invoke(main, ["check", str(target), "--fix", "--unsafe-fixes", "-q"])
    assert result.exit_code == 0, result.output
    assert target.read_text() == FLAGGED.replace("get(url)", "get(url, timeout=10)")


def test_diff_prints_and_does_not_write(tmp_path: Path):
    target = tmp_path / "app.py"
    target.write_text(FLAGGED)
    result = CliRunner().invoke(main, ["check", str(target), "--diff", "--unsafe-fixes"])
    assert result.exit_code == 1
    assert "-    return requests.get(url)\n+    return requests.get(url, timeout=10)\n" in result.output
    assert target.read_text() == FLAGGED
    clean = CliRunner().invoke(main, ["check", str(target), "--diff"])
    assert clean.exit_code == 0 and "+" not in clean.output


def test_fix_uses_the_configured_default_timeout_and_keeps_crlf(tmp_path: Path):
    (tmp_path / "readylint.yaml").write_text("rules:\n  RL101:\n    default-timeout: 3\n")
    target = tmp_path / "app.py"
    target.write_bytes(FLAGGED.replace("\n", "\r\n").encode())
    CliRunner().invoke(main, ["check", str(target), "--fix", "--unsafe-fixes", "-q"])
    assert target.read_bytes() == FLAGGED.replace("get(url)", "get(url, timeout=3)").replace("\n", "\r\n").encode()
