from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from readylint import engine
from readylint.cache import ResultCache, content_digest
from readylint.catalog import Catalog
from readylint.config import Config
from readylint.engine import RunOptions, run


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n")
    (tmp_path / "good.py").write_text("VALUE = 1\n")
    return tmp_path


@pytest.fixture
def analysed(monkeypatch):
    """Records the paths the engine actually analyses (cache misses)."""
    seen: list[str] = []
    original = engine.FileAnalyzer.analyse

    def spy(self, candidate, *, facts_only=False):
        seen.append(candidate.path)
        return original(self, candidate, facts_only=facts_only)

    monkeypatch.setattr(engine.FileAnalyzer, "analyse", spy)
    return seen


def lint(root: Path, config: Config | None = None, **options):
    options.setdefault("jobs", 1)
    return run(config or Config(), Catalog.load(), RunOptions(paths=[root], **options), cwd=root)


def summary(result):
    return [(f.path, f.line, f.code, f.message, f.fingerprint) for f in result.findings], result.files_checked


def test_warm_run_reuses_results_and_reanalyses_only_changed_files(tree, analysed):
    cold = lint(tree)
    assert sorted(analysed) == ["bad.py", "good.py"]
    analysed.clear()
    warm = lint(tree)
    assert analysed == []
    assert summary(warm) == summary(cold)
    (tree / "good.py").write_text("def g(:\n")
    changed = lint(tree)
    assert analysed == ["good.py"]
    assert [f.path for f in changed.findings] == ["bad.py", "good.py"]
    assert (tree / ".readylint_cache" / ".gitignore").read_text().strip().endswith("*")


def test_configuration_change_starts_a_fresh_cache(tree, analysed):
    lint(tree)
    analysed.clear()
    lint(tree, config=Config(max_file_size=4096))
    assert sorted(analysed) == ["bad.py", "good.py"]


def test_corrupt_cache_is_ignored_and_rebuilt(tree, analysed):
    cold = lint(tree)
    for cache_file in (tree / ".readylint_cache").glob("results-*.pickle"):
        cache_file.write_bytes(b"\x80\x04not a pickle")
    analysed.clear()
    assert summary(lint(tree)) == summary(cold)
    assert sorted(analysed) == ["bad.py", "good.py"]
    analysed.clear()
    lint(tree)
    assert analysed == []


def test_no_cache_writes_nothing(tree):
    lint(tree, no_cache=True)
    assert not (tree / ".readylint_cache").exists()


def test_cache_dir_from_environment(tree, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("READYLINT_CACHE_DIR", str(elsewhere))
    lint(tree)
    assert list(elsewhere.glob("results-*.pickle"))
    assert not (tree / ".readylint_cache").exists()


def test_pooled_run_is_cached_too(tmp_path, monkeypatch):
    for index in range(60):
        (tmp_path / f"m{index:02}.py").write_text(f"VALUE = {index}\n")
    lint(tmp_path, jobs=2)
    (cache_file,) = (tmp_path / ".readylint_cache").glob("results-*.pickle")
    cache = ResultCache(cache_file)
    cache.entries = pickle.loads(cache_file.read_bytes())
    for path, (state, result) in cache.entries.items():
        assert result.path == path and state.digest == content_digest((tmp_path / path).read_bytes())
    sent: list[int] = []
    original = engine.analyse_files
    monkeypatch.setattr(engine, "analyse_files", lambda analyzer, work, *rest: sent.append(len(work)) or original(analyzer, work, *rest))
    lint(tmp_path, jobs=2)
    assert sent == [0]


def test_linting_a_subdirectory_keeps_the_rest_of_the_cache(tree, analysed):
    (tree / "pkg").mkdir()
    (tree / "pkg" / "mod.py").write_text("X = 1\n")
    lint(tree)
    run(Config(), Catalog.load(), RunOptions(paths=[tree / "pkg"], jobs=1), cwd=tree)
    analysed.clear()
    lint(tree)
    assert analysed == []


def test_deleted_files_leave_the_cache(tree):
    lint(tree)
    (tree / "bad.py").unlink()
    assert lint(tree).findings == []


def test_unwritable_cache_dir_does_not_fail_the_run(tree, monkeypatch):
    blocker = tree / "blocker"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("READYLINT_CACHE_DIR", str(blocker / "cache"))
    assert [f.path for f in lint(tree).findings] == ["bad.py"]


def test_same_size_and_mtime_edit_is_still_seen_when_inode_changes(tree, analysed):
    lint(tree)
    original = tree / "good.py"
    stat = original.stat()
    replacement = tree / "good.tmp"
    replacement.write_text("VALUE = 2\n")  # same size as "VALUE = 1\n"
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, original)  # an editor's atomic save: a new inode
    analysed.clear()
    lint(tree)
    assert analysed == ["good.py"]


def test_touched_but_unchanged_file_is_not_reanalysed(tree, analysed):
    lint(tree)
    os.utime(tree / "good.py", ns=(1, 1))
    analysed.clear()
    lint(tree)
    lint(tree)
    assert analysed == []
