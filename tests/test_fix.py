"""Fixes: applying edits, the fix loop, `--fix`, `--unsafe-fixes`, `--diff`, fixture expectations."""

from __future__ import annotations

import ast
import codecs
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.catalog import Catalog
from readylint.cli import main
from readylint.config import Config
from readylint.diagnostics import Applicability, Edit, Finding, Fix, Position, Severity
from readylint.engine import RunOptions
from readylint.fix import MAX_PASSES, apply_fixes, fix_run, fix_text
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


def test_fix_never_writes_through_a_symlink_out_of_the_tree(tmp_path: Path, monkeypatch):
    outside = tmp_path / "outside.py"
    outside.write_text(FLAGGED)
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(FLAGGED)
    (project / "linked.py").symlink_to(outside)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (project / "app.py").read_text() == FLAGGED.replace("get(url)", "get(url, timeout=10)")
    assert outside.read_text() == FLAGGED
    assert "Skipped 1 file (symbolic link leading outside the scanned tree; not followed): linked.py" in result.output


def test_fix_does_not_follow_a_link_made_after_the_check(tmp_path: Path):
    outside = tmp_path / "outside.py"
    outside.write_text(FLAGGED)
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg/real.py").write_text(FLAGGED)
    (project / "app.py").symlink_to(project / "pkg/real.py")
    result = lint([project])
    assert [(f.path, f.code) for f in result.findings] == [("app.py", "RL101")]
    (project / "app.py").unlink()
    (project / "app.py").symlink_to(outside)
    config, catalog = Config(), Catalog.load()
    assert fix_run(result, config, catalog, RunOptions(paths=[project]), unsafe=True, write=True) == []
    assert outside.read_text() == FLAGGED


def test_fix_keeps_a_utf16_file_utf16(tmp_path: Path):
    target = tmp_path / "app.py"
    target.write_bytes(codecs.BOM_UTF16_LE + FLAGGED.encode("utf-16-le"))
    result = CliRunner().invoke(main, ["check", str(target), "--fix", "--unsafe-fixes", "-q"])
    assert result.exit_code == 0, result.output
    fixed = FLAGGED.replace("get(url)", "get(url, timeout=10)")
    assert target.read_bytes() == codecs.BOM_UTF16_LE + fixed.encode("utf-16-le")


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


class AppendingAnalyzer:
    """Stands in for FileAnalyzer: one fix per pass, appending `suffix` to line 1,
    until the line ends with `stop` (None: never stops)."""

    def __init__(self, suffix: str, stop: str | None):
        self.suffix, self.stop = suffix, stop

    def analyse_source(self, source, result):
        first = source.line(1)
        if self.stop is not None and first.endswith(self.stop):
            result.findings = []
            return result
        end = Position(1, len(first) + 1)
        finding = lint_finding(Fix(Applicability.SAFE, (Edit(end, end, self.suffix),)))
        result.findings = [finding]
        return result


def lint_finding(fix: Fix):
    return Finding("RL101", "outbound-call-without-timeout", Severity.ERROR, "x.py", 1, 1, 1, 1, "m", fix=fix)


def test_fix_text_reruns_until_stable():
    analyzer = AppendingAnalyzer("9", stop="9999")
    text, applied = fix_text(analyzer, "x.py", "x = 9\n", unsafe=False)
    assert (text, applied) == ("x = 9999\n", 3)


def test_fix_text_stops_after_max_passes():
    text, applied = fix_text(AppendingAnalyzer("9", stop=None), "x.py", "x = 9\n", unsafe=False)
    assert applied == MAX_PASSES and text == "x = 9" + "9" * MAX_PASSES + "\n"


def test_fix_text_throws_away_a_pass_that_breaks_the_file():
    text, applied = fix_text(AppendingAnalyzer(" +", stop=None), "x.py", "x = 0\n", unsafe=False)
    assert (text, applied) == ("x = 0\n", 0)


class TwoFixesOneBroken:
    """One fix that breaks the file, one that does not, in the same pass."""

    def analyse_source(self, source, result):
        if "y = 2" in source.text:
            result.findings = []
            return result
        broken = Fix(Applicability.SAFE, (Edit(Position(1, 1), Position(1, 1), "("),))
        good = Fix(Applicability.SAFE, (Edit(Position(2, 1), Position(2, 1), "y = 2\n"),))
        result.findings = [lint_finding(broken), lint_finding(good)]
        return result


def test_a_broken_fix_does_not_hold_back_the_good_ones():
    text, applied = fix_text(TwoFixesOneBroken(), "x.py", "x = 0\n", unsafe=False)
    assert (text, applied) == ("x = 0\ny = 2\n", 1)


def test_fix_text_applies_unsafe_fixes_only_when_allowed():
    class Unsafe(AppendingAnalyzer):
        def analyse_source(self, source, result):
            result = super().analyse_source(source, result)
            result.findings = [lint_finding(Fix(Applicability.UNSAFE, f.fix.edits)) for f in result.findings]
            return result

    assert fix_text(Unsafe("9", stop="99"), "x.py", "x = 9\n", unsafe=False) == ("x = 9\n", 0)
    assert fix_text(Unsafe("9", stop="99"), "x.py", "x = 9\n", unsafe=True) == ("x = 99\n", 1)
