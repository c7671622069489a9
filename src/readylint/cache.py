"""Per-file results cached by content hash, so an unchanged tree is not re-linted.

One cache file per *run key*: the readylint version, the Python version (its
`ast` differs between releases), the rule catalogs (user extensions included),
the selected rules and their options, and the size limit. Any change to those
starts a fresh file. Inside it, each file's result is keyed by its path and a
hash of its bytes, so an edited file is re-linted and an untouched one is not.
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
FORMAT_VERSION = 1


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def run_key(*parts: Any) -> str:
    """A stable digest of everything besides a file's bytes that decides its result."""
    payload = json.dumps(
        [__version__, FORMAT_VERSION, sys.version_info[:2], *parts], sort_keys=True, default=repr
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass
class ResultCache:
    path: Path | None  # None: caching disabled
    entries: dict[str, tuple[str, Any]] = field(default_factory=dict)  # path -> (digest, result)
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

    def get(self, path: str, digest: str | None) -> Any:
        if self.path is None or digest is None:
            return None
        entry = self.entries.get(path)
        return entry[1] if entry and entry[0] == digest else None

    def put(self, path: str, digest: str | None, result: Any) -> None:
        if self.path is None or digest is None:
            return
        self.entries[path] = (digest, result)
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
