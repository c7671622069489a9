"""Baselines and changed-lines mode: adopting readylint on a legacy codebase.

RL003 (blanket suppressions, with strict-suppressions on) stands in for any
rule here: it can flag several lines of one file.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from readylint.baseline import Baseline
from readylint.changes import _unquote, parse_diff
from readylint.cli import main

LEGACY = """\
import os

first = os.environ.get("A")  # readylint: ignore
second = os.environ.get("B")  # readylint: ignore


def helper(value):
    return value  # readylint: ignore
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "readylint.yaml").write_text("strict-suppressions: true\n")
    (tmp_path / "legacy.py").write_text(LEGACY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args):
    result = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def findings(document):
    return [(f["path"], f["line"], f["code"]) for f in document["findings"]]


def write_baseline(*args):
    result = CliRunner().invoke(main, ["baseline", "--no-cache", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_baseline_hides_recorded_findings(project):
    assert len(findings(check())) == 3
    assert "Recorded 3 findings" in write_baseline()
    document = check("--baseline", ".readylint-baseline.json")
    assert findings(document) == []
    assert document["summary"]["baselined"] == 3
    assert CliRunner().invoke(main, ["check", "--no-cache", "--baseline", ".readylint-baseline.json"]).exit_code == 0


def test_baseline_survives_inserted_lines_renames_elsewhere_and_reformatting(project):
    write_baseline()
    edited = LEGACY.replace("import os\n", "import os\nimport sys\n\n\nLIMIT = 3\n")
    edited = edited.replace("def helper(value):\n    return value", "def helper(  value ):\n    return value")
    edited = edited.replace("second = ", "second   =   ")
    (project / "legacy.py").write_text(edited)
    assert findings(check("--baseline", ".readylint-baseline.json")) == []


def test_new_finding_of_same_rule_in_same_file_is_reported(project):
    write_baseline()
    (project / "legacy.py").write_text(LEGACY + "third = 3  # readylint: ignore\n")
    assert findings(check("--baseline", ".readylint-baseline.json")) == [("legacy.py", 9, "RL003")]


def test_repeated_identical_findings_are_counted(project):
    (project / "legacy.py").write_text("x = 1  # readylint: ignore\n")
    write_baseline()
    (project / "legacy.py").write_text("x = 1  # readylint: ignore\nx = 1  # readylint: ignore\n")
    assert len(findings(check("--baseline", ".readylint-baseline.json"))) == 1


def test_show_fixed_lists_entries_that_no_longer_match(project):
    write_baseline()
    (project / "legacy.py").write_text(LEGACY.replace('  # readylint: ignore\nsecond', "\nsecond"))
    document = check("--baseline", ".readylint-baseline.json", "--show-fixed")
    assert [(f["path"], f["code"], f["count"]) for f in document["fixed"]] == [("legacy.py", "RL003", 1)]
    text = CliRunner().invoke(main, ["check", "--no-cache", "--baseline", ".readylint-baseline.json", "--show-fixed"]).output
    assert "fixed: legacy.py RL003" in text


def test_baseline_from_configuration_and_custom_output(project):
    (project / "readylint.yaml").write_text("strict-suppressions: true\nbaseline: lint/baseline.json\n")
    (project / "lint").mkdir()
    write_baseline()
    assert (project / "lint" / "baseline.json").is_file()
    assert findings(check()) == []
    write_baseline("--output", "other.json")
    assert json.loads((project / "other.json").read_text())["entries"][0]["code"] == "RL003"


@pytest.mark.parametrize("content, fragment", [
    (None, "baseline file not found"),
    ("{not json", "invalid JSON"),
    ('{"baseline_version": 99, "entries": []}', "not a readylint baseline"),
    ('{"baseline_version": 1, "entries": [{"code": "RL003"}]}', "malformed baseline entry"),
])
def test_bad_baseline_exits_2(project, content, fragment):
    if content is not None:
        (project / "b.json").write_text(content)
    result = CliRunner().invoke(main, ["check", "--baseline", "b.json"])
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output


def test_baseline_stores_no_secret(tmp_path):
    from readylint.diagnostics import Finding, Severity
    from readylint.engine import assign_fingerprints

    secret = "sk_live_" + "9fQ2" * 6
    finding = Finding("RL501", "provider-token", Severity.ERROR, "a.py", 1, 1, 1, 5, "Stripe key sk_l…", secret=secret)
    assign_fingerprints([finding])
    Baseline.from_findings([finding]).write(tmp_path / "b.json")
    assert secret not in (tmp_path / "b.json").read_text()
    assert Baseline.load(tmp_path / "b.json").entries[0].identity == finding.identity


# ---------------------------------------------------------------- changed lines

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True, capture_output=True)


@needs_git
@pytest.mark.parametrize("git_config", [
    {},
    # Settings that change what `git diff` prints, each once made it find nothing or too much.
    {"diff.noprefix": "true", "diff.mnemonicPrefix": "true", "diff.interHunkContext": "20", "color.diff": "always"},
])
def test_changed_lines_mode_reports_modified_lines_only(project, git_config):
    git(project, "init", "-q")
    for key, value in git_config.items():
        git(project, "config", key, value)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "legacy")
    modified = LEGACY.replace('second = os.environ.get("B")', 'second = os.environ.get("C")')
    (project / "legacy.py").write_text(modified + "\n\ndef added():\n    return 1  # readylint: ignore\n")
    (project / "new_module.py").write_text("y = 2  # readylint: ignore\n")
    document = check("--diff-base", "HEAD")
    assert findings(document) == [("legacy.py", 4, "RL003"), ("legacy.py", 12, "RL003"), ("new_module.py", 1, "RL003")]
    assert len(findings(check())) == 5


@needs_git
def test_diff_base_errors_exit_2(project):
    result = CliRunner().invoke(main, ["check", "--diff-base", "HEAD"])
    assert result.exit_code == 2 and "--diff-base" in result.output
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "x")
    result = CliRunner().invoke(main, ["check", "--diff-base", "no-such-ref"])
    assert result.exit_code == 2 and "--diff-base" in result.output


def test_parse_diff_hunks_and_quoted_paths():
    diff = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n"
        "@@ -20,2 +22,0 @@\n-e\n-f\n"
        'diff --git "a/t\\tab.py" "b/t\\tab.py"\n--- "a/t\\tab.py"\n+++ "b/t\\tab.py"\n@@ -1 +1 @@\n-x\n+y\n'
        "diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n"
    )
    assert parse_diff(diff) == {"x.py": {3, 11, 12}, "t\tab.py": {1}}
    assert _unquote('"caf\\303\\251.py"') == "café.py"
