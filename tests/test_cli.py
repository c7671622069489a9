from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from readylint import __version__
from readylint.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text("def handler(request:\n    return 1\n")
    (tmp_path / "ok.py").write_text("VALUE = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_defaults_to_current_directory_and_exits_1_on_findings(project):
    result = invoke("check")
    assert result.exit_code == 1
    assert "app.py:1:12 RL001" in result.output


def test_clean_tree_exits_0(project):
    (project / "app.py").unlink()
    result = invoke("check", ".")
    assert result.exit_code == 0, result.output


def test_exit_zero_and_ignore(project):
    assert invoke("check", "--exit-zero").exit_code == 0
    assert invoke("check", "--ignore", "RL001").exit_code == 0
    assert invoke("check", "--ignore", "parse-error,RL002").exit_code == 0


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "text"])
def test_every_format_writes_to_output_file(project, fmt):
    result = invoke("check", "--format", fmt, "--output", "report.out")
    assert result.exit_code == 1
    text = (project / "report.out").read_text()
    assert "RL001" in text
    if fmt in ("json", "sarif"):
        json.loads(text)
    assert "\x1b[" not in text


def test_json_lists_findings_and_problems(project):
    (project / "blob.bin").write_bytes(b"\x00\x01")
    data = json.loads(invoke("check", "--format", "json").output)
    assert [(f["code"], f["path"], f["line"]) for f in data["findings"]] == [("RL001", "app.py", 1)]
    assert {"path": "blob.bin", "kind": "skipped", "reason": "binary file"} in data["problems"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["check", "--select", "RL9999"], "unknown rule 'RL9999'"),
        (["check", "--config", "missing.toml"], "configuration file not found"),
        (["check", "no/such/path"], "no/such/path"),
        (["check", "--format", "xml"], "Invalid value for '--format'"),
        (["check", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["check", "--frobnicate"], "No such option"),
        (["explain", "RL9999"], "unknown rule 'RL9999'"),
    ],
)
def test_usage_and_config_errors_exit_2_with_one_line(project, args, fragment):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_unknown_config_key_exits_2(project):
    (project / "pyproject.toml").write_text("[tool.readylint]\nselet = ['RL1']\n")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert "unknown key 'selet'" in result.output and "did you mean 'select'" in result.output
    assert "pyproject.toml" in result.output


def test_rules_and_explain(project):
    result = invoke("rules")
    assert result.exit_code == 0 and "RL001" in result.output and "parse-error" in result.output
    rows = json.loads(invoke("rules", "--format", "json").output)
    assert {"RL001", "RL002", "RL003"} <= {row["code"] for row in rows}
    for key in ("RL001", "parse-error"):
        text = invoke("explain", key).output
        assert "RL001" in text and "parse-error" in text and "def handler(request):" in text


def test_version():
    assert invoke("--version").output.strip() == f"readylint {__version__}"


def test_quiet_prints_only_finding_lines(project):
    output = invoke("check", "--quiet").output.strip().splitlines()
    assert len(output) == 1 and output[0].startswith("app.py:1:12 RL001")


def test_statistics_table(project):
    assert "parse-error" in invoke("check", "--statistics").output


def test_console_script_runs(project):
    result = subprocess.run(
        [sys.executable, "-m", "readylint", "check", "--format", "json", str(project)],
        capture_output=True, text=True, cwd=project,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["summary"]["findings"] == 1


def test_text_does_not_repeat_problems_reported_as_findings(project):
    (project / "blob.py").write_bytes(b"\x00\x01")
    output = invoke("check").output
    assert output.count("binary content") == 1
    assert "Could not analyse" not in output
    data = json.loads(invoke("check", "--format", "json").output)
    assert {"path": "blob.py", "kind": "error", "reason": "binary content (NUL bytes) in a python file; not checked"} in data["problems"]


def test_server_without_pygls_says_what_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, "readylint.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # as if not installed
    result = CliRunner().invoke(main, ["server"])
    assert result.exit_code == 2
    assert 'pip install "readylint[server]"' in result.output
