from __future__ import annotations

import json
import os
import pickle
import subprocess
from pathlib import Path

import pytest

from readylint import engine
from readylint.cache import HEADER_PREFIX, ResultCache, content_digest, project_directory
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


def run_files(root: Path) -> list[Path]:
    return list(project_directory(root).glob("results-*.json"))


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
    assert not (tree / ".readylint_cache").exists()  # nothing is written into the project


def test_cache_lives_in_the_user_cache_directory(tree, monkeypatch, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.delenv("READYLINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg"))
    lint(tree)
    base = home / "xdg" / "readylint"
    assert list(project_directory(tree, base).glob("results-*.json"))
    assert (base / ".gitignore").read_text().strip().endswith("*")
    assert (base / "key").stat().st_mode & 0o077 == 0  # the signing key is the user's alone


def test_configuration_change_starts_a_fresh_cache(tree, analysed):
    lint(tree)
    analysed.clear()
    lint(tree, config=Config(max_file_size=4096))
    assert sorted(analysed) == ["bad.py", "good.py"]


def test_corrupt_cache_is_ignored_and_rebuilt(tree, analysed):
    cold = lint(tree)
    for cache_file in run_files(tree):
        cache_file.write_bytes(b"\x80\x04not a cache")
    analysed.clear()
    assert summary(lint(tree)) == summary(cold)
    assert sorted(analysed) == ["bad.py", "good.py"]
    analysed.clear()
    lint(tree)
    assert analysed == []


def test_no_cache_writes_nothing(tree, private_cache_dir):
    lint(tree, no_cache=True)
    assert list(private_cache_dir.iterdir()) == []


def test_pooled_run_is_cached_too(tmp_path, monkeypatch):
    for index in range(60):
        (tmp_path / f"m{index:02}.py").write_text(f"VALUE = {index}\n")
    lint(tmp_path, jobs=2)
    (cache_file,) = run_files(tmp_path)
    cache = ResultCache.open(tmp_path, cache_file.stem.removeprefix("results-"))
    assert len(cache.entries) == 60 and cache.notices == []
    for path, (state, _) in cache.entries.items():
        result, _ = cache.lookup(path, tmp_path / path, 1 << 20)
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


# ---------------------------------------------------------------- a cache nobody may forge


class Payload:
    """What an attacker's pickle would run on load."""

    def __reduce__(self):
        return (Path.write_text, (Path(os.environ["READYLINT_CACHE_DIR"]) / "pwned", "ran"))


def forge(cache_file: Path, body: bytes, signature: str = "0" * 64) -> None:
    cache_file.write_bytes(HEADER_PREFIX + signature.encode() + b"\n" + body)


def test_a_pickle_in_place_of_the_cache_is_never_loaded(tree, private_cache_dir, analysed):
    cold = lint(tree)
    (cache_file,) = run_files(tree)
    cache_file.write_bytes(pickle.dumps({"bad.py": Payload()}))
    analysed.clear()
    warm = lint(tree)
    assert not (private_cache_dir / "pwned").exists()
    assert summary(warm) == summary(cold) and sorted(analysed) == ["bad.py", "good.py"]
    assert warm.notices == [f"cache ignored: {cache_file} is not a readylint 3 cache file"]


def test_a_forged_entry_claiming_no_findings_is_ignored(tree, analysed):
    cold = lint(tree)
    (cache_file,) = run_files(tree)
    body = json.loads(cache_file.read_bytes().partition(b"\n")[2])
    for entry in body["entries"].values():  # well-formed, and claims every file is clean
        entry[4] = json.dumps({"readylint.engine:FileResult": [json.loads(entry[4])["readylint.engine:FileResult"][0]]})
    forged = json.dumps(body).encode()
    for signature in ("0" * 64, ""):
        forge(cache_file, forged, signature)
        analysed.clear()
        warm = lint(tree)
        assert summary(warm) == summary(cold) and sorted(analysed) == ["bad.py", "good.py"]
        assert warm.notices == [
            f"cache ignored: {cache_file} was not written by readylint for this user (bad signature)"
        ]


def test_a_signed_cache_of_another_shape_does_not_fail_the_run(tree, analysed):
    cold = lint(tree)
    (cache_file,) = run_files(tree)
    cache = ResultCache.open(tree, cache_file.stem.removeprefix("results-"))
    digest = content_digest((tree / "bad.py").read_bytes())
    for entry in ([1, 2], [1, 2, 3, digest, '{"os:system": ["id"]}'], [1, 2, 3, digest, '{"x": 1, "y": 2}'],
                  [1, 2, 3, digest, '{"readylint.engine:FileResult": "bad.py"}'], [1, 2, 3, digest, "[nan"]):
        body = json.dumps({"entries": {"bad.py": entry}}).encode()
        forge(cache_file, body, cache._sign(body))
        assert summary(lint(tree)) == summary(cold)


def test_a_cache_directory_tracked_by_git_is_never_used(tree, monkeypatch, analysed):
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    inside = tree / "ci-cache"
    monkeypatch.setenv("READYLINT_CACHE_DIR", str(inside))
    lint(tree)  # an honest first run creates it
    subprocess.run(["git", "-C", str(tree), "add", "-f", "ci-cache"], check=True)
    before = {p: p.read_bytes() for p in inside.rglob("*") if p.is_file()}
    (tree / "good.py").write_text("VALUE = 2\n")
    analysed.clear()
    result = lint(tree)
    assert sorted(analysed) == ["bad.py", "good.py"]
    assert result.notices == [f"cache not used: {inside} is tracked by git (a committed cache is never trusted)"]
    assert {p: p.read_bytes() for p in inside.rglob("*") if p.is_file()} == before
