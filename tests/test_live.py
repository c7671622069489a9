"""LiveProject: the server's engine agrees with `readylint check`, and an edit
re-analyses only the edited file."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, lint

from readylint.live import LiveProject


def as_reported(findings) -> list[tuple[str, int, str, str]]:
    return [(f.path, f.line, f.code, f.fingerprint) for f in findings]


def copy_of_shop(tmp_path: Path) -> Path:
    shop = tmp_path / "shop"
    shutil.copytree(EXAMPLES / "shop", shop)
    (shop / "pyproject.toml").write_text('[tool.readylint]\nextend-exclude = ["legacy/"]\n')
    return shop


def live(root: Path) -> LiveProject:
    project = LiveProject(root, use_cache=False, jobs=1)
    project.load()
    return project


def test_findings_are_those_of_check(tmp_path):
    shop = copy_of_shop(tmp_path)
    project = live(shop)
    by_path = project.findings()
    assert [f for path in sorted(by_path) for f in as_reported(by_path[path])] == as_reported(lint([shop]).findings)


def test_an_edit_is_analysed_from_the_text_given_and_alone(tmp_path):
    shop = copy_of_shop(tmp_path)
    project = live(shop)
    before = dict(project.results)
    services = shop / "shop" / "services.py"
    edited = services.read_text().replace(", timeout=5)", ")")  # a second call without a timeout
    result = project.update(services, edited)
    assert result is not None and result.path == "shop/services.py"
    assert [path for path in project.results if project.results[path] is not before[path]] == ["shop/services.py"]
    assert [f.line for f in project.findings()["shop/services.py"] if f.code == "RL101"] == [28, 32]
    services.write_text(edited)  # what `check` sees once the editor saves
    assert as_reported(f for fs in project.findings().values() for f in fs) == as_reported(lint([shop]).findings)


def test_a_migration_edit_changes_another_files_findings(tmp_path):
    shop = copy_of_shop(tmp_path)
    project = live(shop)
    assert [f.code for f in project.findings()["migrations/001_orders.up.sql"]] == ["RL402"]
    ledger = shop / "migrations" / "002_ledger.up.sql"
    project.update(ledger, ledger.read_text() + "CREATE INDEX orders_customer_idx ON orders (customer_id);\n")
    assert "migrations/001_orders.up.sql" not in project.findings()


def test_excluded_and_outside_files_are_not_linted(tmp_path):
    shop = copy_of_shop(tmp_path)
    legacy = shop / "legacy" / "old.py"
    legacy.parent.mkdir()
    legacy.write_text("import requests\nrequests.get('https://example.com')\n")
    outside = tmp_path / "elsewhere.py"
    outside.write_text(legacy.read_text())
    project = live(shop)
    assert project.update(legacy, legacy.read_text()) is None
    assert project.update(outside, outside.read_text()) is None
    assert project.update(shop / "unsaved.py", "x = 1\n") is None
    assert not any(path.startswith("legacy/") for path in project.findings())


def test_a_file_created_after_loading_is_linted(tmp_path):
    shop = copy_of_shop(tmp_path)
    project = live(shop)
    created = shop / "shop" / "created.py"
    created.write_text("import requests\nrequests.get('https://example.com')\n")
    assert project.update(created, created.read_text()) is not None
    assert [(f.line, f.code) for f in project.findings()["shop/created.py"]] == [(2, "RL101")]


def test_reverting_reads_the_file_on_disk_again(tmp_path):
    shop = copy_of_shop(tmp_path)
    project = live(shop)
    settings = shop / "shop" / "settings.py"
    project.update(settings, "DEBUG = False\n")
    assert "shop/settings.py" not in project.findings()
    project.revert(settings)
    assert [f.code for f in project.findings()["shop/settings.py"]] == ["RL503"]


def test_the_configured_baseline_hides_what_it_records(tmp_path):
    from readylint.baseline import Baseline

    shop = copy_of_shop(tmp_path)
    Baseline.from_findings(lint([shop]).findings).write(shop / "recorded.json")
    (shop / "pyproject.toml").write_text('[tool.readylint]\nbaseline = "recorded.json"\n')
    project = live(shop)
    assert project.findings() == {}
    services = shop / "shop" / "services.py"
    project.update(services, services.read_text().replace(", timeout=5)", ")"))
    assert [(f.line, f.code) for f in project.findings()["shop/services.py"]] == [(32, "RL101")]
