"""No secret value in anything readylint prints or writes, whichever rule
reported the line it sits on: every output format, --statistics, --diff, the
baseline, --output files and the results cache."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fake_secrets import FAKES
from readylint.cli import main
from readylint.report import FORMATS

STRIPE = FAKES["stripe-live-secret-key"]
GITHUB = FAKES["github-personal-access-token"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    # RL101 (and RL501) on one line; RL001 on an unterminated string holding a key.
    (tmp_path / "client.py").write_text(
        "import requests\n\n"
        "def charge(url):\n"
        f'    return requests.post(url, headers={{"Authorization": "Bearer {STRIPE}"}})\n'
    )
    (tmp_path / "broken.py").write_text(f'TOKEN = "{GITHUB}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_no_secret(text: str) -> None:
    assert STRIPE not in text and GITHUB not in text
    # The middle of each key too: a mask keeps only the first four characters.
    assert STRIPE[8:24] not in text and GITHUB[4:20] not in text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("extra", [(), ("--statistics",), ("--select", "RL101,RL001")])
def test_no_output_prints_a_secret_on_another_rules_line(project, fmt, extra):
    result = invoke("check", "--format", fmt, *extra)
    assert result.exit_code == 1
    output = result.output
    assert "RL101" in output and "RL001" in output
    assert_no_secret(output)


def test_the_text_report_shows_the_lines_masked(project):
    output = invoke("check", "--select", "RL101,RL001").output
    assert f'"Bearer {STRIPE[:4]}…[{len(STRIPE)} chars]"' in output
    assert f'TOKEN = "{GITHUB[:4]}…[{len(GITHUB)} chars]' in output


def test_diff_of_a_fix_masks_the_secret(project):
    result = invoke("check", "--diff", "--unsafe-fixes", "--select", "RL101")
    assert "+    return requests.post(url, headers=" in result.output and "timeout=" in result.output
    assert_no_secret(result.output)


def test_no_file_readylint_writes_holds_a_secret(project, private_cache_dir, tmp_path_factory):
    written = tmp_path_factory.mktemp("written")
    for fmt in FORMATS:
        invoke("check", "--format", fmt, "--output", str(written / f"report.{fmt}"))
    invoke("baseline", "--output", str(written / "baseline.json"))
    invoke("check", "--baseline", str(written / "baseline.json"))  # a warm run, from the cache
    files = [p for directory in (written, private_cache_dir) for p in directory.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"report.json", "report.sarif", "baseline.json", "key"}
    assert any(p.name.startswith("results-") for p in files)
    for path in files:
        assert_no_secret(path.read_text("utf-8", "replace"))
