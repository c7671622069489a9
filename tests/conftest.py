from __future__ import annotations

from pathlib import Path

import pytest

from readylint.catalog import Catalog
from readylint.config import Config, load_config
from readylint.engine import RunOptions, run

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "fixtures"
EXAMPLES = REPO_ROOT / "examples"
# The official SARIF 2.1.0 schema (OASIS), vendored so a standalone clone runs every test.
SARIF_SCHEMA = REPO_ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory, monkeypatch) -> Path:
    """Every test (and every readylint it starts) caches in a folder of its
    own, never in the user's cache directory."""
    directory = tmp_path_factory.mktemp("readylint-cache")
    monkeypatch.setenv("READYLINT_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


def lint(paths, *, config: Config | None = None, cwd: Path | None = None, **options):
    """Run the engine in-process, as `readylint check` would, with one job."""
    paths = [Path(p) for p in paths]
    cwd = cwd or (paths[0] if paths[0].is_dir() else paths[0].parent)
    config = config or load_config(None, paths[0])
    catalog = Catalog.load(extensions=config.extend_rules)
    options.setdefault("jobs", 1)
    options.setdefault("no_cache", True)
    return run(config, catalog, RunOptions(paths=paths, **options), cwd=cwd)
