"""Per-file results cached by content hash, so an unchanged tree is not re-linted.

One cache file per *run key*: the readylint version, the Python version (its
`ast` differs between releases), the rule catalogs (user extensions included),
the selected rules and their options, and the size limit. Any change to those
starts a fresh file. Inside it, each file's result is keyed by its path and a
hash of its bytes, so an edited file is re-linted and an untouched one is not
(an unchanged size, modification time and inode spare even the re-reading).
The project pass always re-runs, on cached facts.

The file is written atomically (a temporary file renamed over it), so a
concurrent run reads the old or the new file, never half of one; a cache that
cannot be read (corrupt, truncated, from another version) is ignored and
rebuilt. The cache directory holds its own `.gitignore`, so it is never
committed — it contains pickles, which must only ever be read from a trusted
place.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readylint import __version__

CACHE_DIR_NAME = ".readylint_cache"
CACHE_DIR_ENV = "READYLINT_CACHE_DIR"
FORMAT_VERSION = 2


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class FileState:
    """What a cached result was computed from: the file's bytes (digest), and
    its stat signature, which lets a warm run skip re-reading a file whose
    size, modification time and inode have not changed."""

    signature: tuple[int, int, int]
    digest: str


def file_state(path: Path, max_file_size: int, previous: FileState | None) -> FileState | None:
    """The file's state, or None (never cached) when unreadable or too large."""
    try:
        stat = path.stat()
        if stat.st_size > max_file_size:
            return None
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if previous is not None and previous.signature == signature:
            return previous
        return FileState(signature, content_digest(path.read_bytes()))
    except OSError:
        return None


def run_key(*parts: Any) -> str:
    """A stable digest of everything besides a file's bytes that decides its result."""
    payload = json.dumps(
        [__version__, FORMAT_VERSION, sys.version_info[:2], *parts], sort_keys=True, default=repr
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass
class ResultCache:
    path: Path | None  # None: caching disabled
    entries: dict[str, tuple[FileState, Any]] = field(default_factory=dict)  # path -> (state, result)
    dirty: bool = False

    @classmethod
    def open(cls, root: Path, key: str, enabled: bool = True) -> "ResultCache":
        if not enabled:
            return cls(None)
        directory = Path(os.environ.get(CACHE_DIR_ENV) or root / CACHE_DIR_NAME)
        cache = cls(directory / f"results-{key}.pickle")
        try:
            with cache.path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                cache.entries = loaded
        except Exception:  # missing, corrupt, truncated or foreign: start afresh
            cache.entries = {}
        return cache

    def lookup(self, path: str, abs_path: Path, max_file_size: int) -> tuple[Any, FileState | None]:
        """(the cached result if the file is unchanged, else None; the file's state)."""
        if self.path is None:
            return None, None
        entry = self.entries.get(path)
        state = file_state(abs_path, max_file_size, entry[0] if entry else None)
        if entry is None or state is None or entry[0].digest != state.digest:
            return None, state
        if entry[0] != state:  # same bytes, new stat (a checkout): remember it
            self.entries[path] = (state, entry[1])
            self.dirty = True
        return entry[1], state

    def put(self, path: str, state: FileState | None, result: Any) -> None:
        if self.path is None or state is None:
            return
        self.entries[path] = (state, result)
        self.dirty = True

    def forget_except(self, paths: set[str]) -> None:
        """Drop entries of files that no longer exist (after a whole-tree run)."""
        stale = self.entries.keys() - paths
        for path in stale:
            del self.entries[path]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by readylint: the cache is never committed.\n*\n")
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(self.entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            # A read-only checkout or a full disk: the run's result stands, uncached.
            return
