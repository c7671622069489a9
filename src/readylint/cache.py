"""Per-file results cached by content hash, so an unchanged tree is not re-linted.

One cache file per *run key*: the readylint version, the Python version (its
`ast` differs between releases), the rule catalogs (user extensions included),
the selected rules and their options, and the size limit. Any change to those
starts a fresh file. Inside it, each file's result is keyed by its path and a
hash of its bytes, so an edited file is re-linted and an untouched one is not
(an unchanged size, modification time and inode spare even the re-reading).
The project pass always re-runs, on cached facts.

What a cache must never do is trust the tree it scans. So:

- It lives outside the project, in the user's cache directory
  (`cache_root()`: `$READYLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/readylint`,
  `~/.cache/readylint`, `~/Library/Caches/readylint` on macOS,
  `%LOCALAPPDATA%\\readylint` on Windows), one folder per project path.
- It is data only (`readylint.plaindata`, JSON): reading it builds values,
  never runs code, where the pickle it replaced ran whatever it named.
- Every file carries an HMAC-SHA256 keyed by a secret of this user's
  (`<cache root>/key`, created on first use, readable by the user only): a
  file readylint did not write on this machine, or one edited since, is
  ignored with a notice and rebuilt.
- A cache directory inside a git work tree that git tracks is never read or
  written (someone committed it: its content is the contributor's, not ours).
- Findings reach the cache with their secrets already redacted
  (`Finding.redact_secret`): a masked form and a hash, never the value.

The file is written atomically (a temporary file renamed over it), so a
concurrent run reads the old or the new file, never half of one; a cache that
cannot be read (corrupt, truncated, from another version) is ignored and
rebuilt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readylint import __version__, plaindata

CACHE_DIR_ENV = "READYLINT_CACHE_DIR"
FORMAT_VERSION = 3
HEADER_PREFIX = b"readylint-cache/3 "
KEY_FILENAME = "key"
# Run files kept per project: one per configuration recently used (say a
# pre-commit hook's and a full run's), the least recently written go first.
RUN_FILES_KEPT = 4


class CacheUnavailable(Exception):
    """The cache directory must not be used; the run goes on uncached."""


def cache_root() -> Path:
    """Where every project's cache lives (see the module docstring)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "readylint"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "readylint"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "readylint"


def project_directory(root: Path, base: Path | None = None) -> Path:
    """The project's folder in the cache: named after it, keyed by its absolute path."""
    digest = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in root.resolve().name)[:40] or "root"
    return (base or cache_root()) / "projects" / f"{name}-{digest}"


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


# An entry as stored: (state, the result as plaindata text), decoded on first lookup.
_Stored = tuple[FileState, str]


@dataclass
class ResultCache:
    path: Path | None  # None: caching disabled
    key: bytes = b""
    entries: dict[str, _Stored] = field(default_factory=dict)  # path -> (state, encoded result)
    decoded: dict[str, Any] = field(default_factory=dict)  # path -> result, for entries looked up
    dirty: bool = False
    # One line each, for the user: why the cache was ignored or not used.
    notices: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, root: Path, key: str, enabled: bool = True) -> "ResultCache":
        if not enabled:
            return cls(None)
        base = cache_root()
        try:
            _refuse_tracked(base)
            secret = _user_key(base)
        except CacheUnavailable as reason:
            cache = cls(None)
            cache.notices.append(f"cache not used: {reason}")
            return cache
        except OSError as exc:  # a read-only home: the run goes on uncached
            cache = cls(None)
            cache.notices.append(f"cache not used: cannot create {base} ({exc.strerror or exc})")
            return cache
        cache = cls(project_directory(root, base) / f"results-{key}.json", secret)
        cache._load()
        return cache

    def _load(self) -> None:
        assert self.path is not None
        try:
            data = self.path.read_bytes()
        except OSError:
            return  # none yet
        header, newline, body = data.partition(b"\n")
        signature = header[len(HEADER_PREFIX):].decode("ascii", "replace")
        if not header.startswith(HEADER_PREFIX) or not newline:
            self.notices.append(f"cache ignored: {self.path} is not a readylint {FORMAT_VERSION} cache file")
            return
        if not hmac.compare_digest(signature, self._sign(body)):
            self.notices.append(
                f"cache ignored: {self.path} was not written by readylint for this user (bad signature)"
            )
            return
        try:
            entries = json.loads(body)["entries"]
            self.entries = {
                path: (FileState((int(size), int(mtime), int(inode)), str(digest)), str(result))
                for path, (size, mtime, inode, digest, result) in entries.items()
            }
        except (ValueError, TypeError, KeyError):
            self.notices.append(f"cache ignored: {self.path} is signed but unreadable")
            self.entries = {}

    def _sign(self, body: bytes) -> str:
        return hmac.new(self.key, body, hashlib.sha256).hexdigest()

    def lookup(self, path: str, abs_path: Path, max_file_size: int) -> tuple[Any, FileState | None]:
        """(the cached result if the file is unchanged, else None; the file's state)."""
        if self.path is None:
            return None, None
        entry = self.entries.get(path)
        state = file_state(abs_path, max_file_size, entry[0] if entry else None)
        if entry is None or state is None or entry[0].digest != state.digest:
            return None, state
        result = self._decoded(path, entry[1])
        if result is None:
            return None, state
        if entry[0] != state:  # same bytes, new stat (a checkout): remember it
            self.entries[path] = (state, entry[1])
            self.dirty = True
        return result, state

    def _decoded(self, path: str, encoded: str) -> Any:
        if path not in self.decoded:
            try:
                self.decoded[path] = plaindata.loads(encoded)
            except plaindata.PlainDataError:
                # Written by another build of readylint whose classes differ: re-lint the file.
                del self.entries[path]
                self.dirty = True
                return None
        return self.decoded[path]

    def put(self, path: str, state: FileState | None, result: Any) -> None:
        if self.path is None or state is None:
            return
        try:
            encoded = plaindata.dumps(result)
        except plaindata.PlainDataError:
            return  # a fact this encoding cannot hold: that file is simply not cached
        self.entries[path] = (state, encoded)
        self.decoded[path] = result
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
        body = json.dumps(
            {"entries": {path: [*state.signature, state.digest, encoded]
                         for path, (state, encoded) in self.entries.items()}},
            separators=(",", ":"),
        ).encode("ascii")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path, HEADER_PREFIX + self._sign(body).encode("ascii") + b"\n" + body)
            _prune(self.path.parent, keep=self.path)
        except OSError:
            # A read-only cache directory or a full disk: the run's result stands, uncached.
            return


def _write_atomically(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(directory: Path, keep: Path) -> None:
    """Keep the project's few most recently written run files."""
    runs = sorted(directory.glob("results-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in [p for p in runs if p != keep][RUN_FILES_KEPT - 1:]:
        stale.unlink(missing_ok=True)


def _user_key(base: Path) -> bytes:
    """This user's signing key, created once (exclusively, so two first runs agree)."""
    path = base / KEY_FILENAME
    if not path.exists():
        base.mkdir(parents=True, exist_ok=True)
        ignore = base / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by readylint: its cache is never committed.\n*\n")
        handle, temporary = tempfile.mkstemp(dir=base, prefix=".key-")
        try:
            os.chmod(temporary, 0o600)
            with os.fdopen(handle, "w") as stream:
                stream.write(secrets.token_hex(32) + "\n")
            os.link(temporary, path)  # fails if another run created it first: theirs wins
        except FileExistsError:
            pass
        finally:
            Path(temporary).unlink(missing_ok=True)
    try:
        key = bytes.fromhex(path.read_text("ascii").strip())
    except ValueError:
        key = b""
    if len(key) < 16:
        raise CacheUnavailable(f"{path} is not a readylint key (delete it to start afresh)")
    return key


def _refuse_tracked(base: Path) -> None:
    """A cache directory that git tracks holds what someone committed: never use it."""
    probe = base
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        listed = subprocess.run(
            ["git", "-C", str(probe), "ls-files", "--", str(base)],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return  # no git: nothing can be tracked
    if listed.returncode == 0 and listed.stdout.strip():
        raise CacheUnavailable(f"{base} is tracked by git (a committed cache is never trusted)")
