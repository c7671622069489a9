"""Which files to lint: walking directories, excludes, .gitignore, virtualenvs.

Patterns use gitignore syntax and gitignore semantics, and both are applied
the way git applies them while it walks a tree: every file and directory is
matched *as itself* (a pattern's last match wins), and an excluded directory
is pruned, so nothing beneath it can be re-included. The gitignore patterns
are translated here rather than by `pathspec`: pathspec answers "does this
path or one of its parents match", which cannot express "walk this excluded
directory because it was named on the command line, but keep applying the
other patterns inside it", and its dir-testing form ("dir/") makes `foo/**`
prune `foo` itself, so `foo/**` + `!foo/keep.py` loses keep.py.

Discovery never reads file contents (only .gitignore files): whether a file is
binary or too large is decided by the engine when it reads it.

Symbolic links are followed only while they lead to somewhere inside the
scanned tree (the root, and any path named on the command line outside it),
as ruff and semgrep do: a committed `x.py -> /etc/shadow` or `etc -> /etc` is
skipped and listed, never read, and so never rewritten by `--fix`.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from readylint.diagnostics import FileProblem

# Directory names carry a trailing slash (gitignore's "directories only") so
# that a build script called `build` or `dist` is still linted.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    # Version-control metadata. `.git` has no trailing slash: in a submodule or
    # a worktree it is a file pointing to the real git directory.
    ".git",
    ".hg/",
    ".svn/",
    ".bzr/",
    # Third-party code and environments: not the project's to fix.
    "node_modules/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    ".direnv/",
    "site-packages/",
    ".eggs/",
    "*.egg-info",
    # Tool caches and build output: generated, and often huge.
    "__pycache__/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".readylint_cache/",
    "build/",
    "dist/",
    "_build/",
    "buck-out/",
    # JavaScript frameworks' output and caches, and coverage reports.
    ".next/",
    ".nuxt/",
    ".svelte-kit/",
    ".vercel/",
    ".turbo/",
    "out/",
    "coverage/",
    # Minified and bundled scripts: generated from sources that are linted.
    "*.min.js",
    "*.min.mjs",
    "*.bundle.js",
    # Not excluded: IDE settings (.idea/, .vscode/). They are small, and a
    # committed .idea/dataSources.xml or .vscode/launch.json is a classic place
    # for a leaked database password; teams that do not commit them already
    # list them in .gitignore.
)

VIRTUALENV_MARKER = "pyvenv.cfg"
GITIGNORE = ".gitignore"


class PathNotFound(Exception):
    """A path named on the command line does not exist."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.path = path


@dataclass(frozen=True)
class Candidate:
    abs_path: Path  # absolute, not resolved through symlinks
    path: str  # posix path relative to the root; absolute posix path when outside it
    explicit: bool  # named on the command line (not found by walking a directory)


@dataclass
class Discovery:
    files: list[Candidate]  # sorted by .path; a real file reached twice is listed once
    problems: list[FileProblem]  # what could not be listed or read


# --------------------------------------------------------------------------
# Gitignore patterns


@dataclass(frozen=True)
class _Pattern:
    index: int  # position in its list: the last matching pattern decides
    glob: str  # without `!`, leading and trailing slashes
    regex: str  # must match the whole subject
    negated: bool  # `!pattern`: re-include
    dir_only: bool  # `pattern/`: matches directories only
    on_name: bool  # no slash inside: matched against the name, at any depth


# Character classes git's wildmatch knows, as regex class members (ASCII, as
# in git's C locale).
_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": "\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9a-fA-F",
}


def _strip_trailing_spaces(line: str) -> str:
    """Drop trailing spaces unless backslash-escaped (git's trim_trailing_spaces)."""
    stripped = line.rstrip(" ")
    if stripped == line:
        return line
    backslashes = len(stripped) - len(stripped.rstrip("\\"))
    # An odd run of backslashes escapes the first trailing space.
    return line[: len(stripped) + 1] if backslashes % 2 else stripped


def _bracket_to_regex(glob: str, start: int) -> tuple[str | None, int]:
    """Translate the bracket expression opening at glob[start] == "[".

    Returns the regex and the index just past the closing "]". The regex is
    None when the expression is malformed: git's wildmatch then aborts, so the
    whole pattern never matches. Follows wildmatch.c case by case.
    """
    end = len(glob)
    i = start + 1
    negated = i < end and glob[i] in "!^"
    if negated:
        i += 1
    members: list[str] = []
    range_start: str | None = None  # the previous literal, which may open a range
    while True:  # the first member may be "]", so test for the end after it
        if i >= end:
            return None, end
        char = glob[i]
        if char == "\\":
            i += 1
            if i >= end:
                return None, end
            members.append(re.escape(glob[i]))
            range_start = glob[i]
        elif char == "-" and range_start is not None and i + 1 < end and glob[i + 1] != "]":
            i += 1
            range_end = glob[i]
            if range_end == "\\":
                i += 1
                if i >= end:
                    return None, end
                range_end = glob[i]
            if range_start <= range_end:  # a reversed range matches nothing
                members.append(f"{re.escape(range_start)}-{re.escape(range_end)}")
            range_start = None
        elif char == "[" and i + 1 < end and glob[i + 1] == ":":
            close = glob.find("]", i + 2)
            if close == -1:
                return None, end
            if close - 1 < i + 2 or glob[close - 1] != ":":
                # No ":]": the "[" is an ordinary member.
                members.append(re.escape("["))
                range_start = "["
            else:
                class_members = _POSIX_CLASSES.get(glob[i + 2 : close - 1])
                if class_members is None:
                    return None, end
                members.append(class_members)
                range_start = None
                i = close
        else:
            members.append(re.escape(char))
            range_start = char
        i += 1
        if i >= end:
            return None, end
        if glob[i] == "]":
            break
    # A bracket expression never matches the path separator.
    if negated:
        return f"[^/{''.join(members)}]", i + 1
    return f"(?!/)[{''.join(members)}]", i + 1


def _glob_to_regex(glob: str) -> str | None:
    """Translate a gitignore glob (git's wildmatch with WM_PATHNAME) to a regex
    for re.fullmatch, or None if the glob can never match."""
    parts: list[str] = []
    end = len(glob)
    i = 0
    while i < end:
        char = glob[i]
        if char == "*":
            stars_end = i
            while stars_end < end and glob[stars_end] == "*":
                stars_end += 1
            starts_segment = i == 0 or glob[i - 1] == "/"
            ends_segment = stars_end == end or glob.startswith(("/", "\\/"), stars_end)
            if stars_end - i >= 2 and starts_segment and ends_segment:
                if stars_end == end:  # trailing "**": everything below
                    parts.append(".*")
                else:  # "**/": zero or more directories
                    parts.append("(?:.*/)?")
                    stars_end += 2 if glob[stars_end] == "\\" else 1
            else:
                parts.append("[^/]*")
            i = stars_end
        elif char == "?":
            parts.append("[^/]")
            i += 1
        elif char == "[":
            bracket, i = _bracket_to_regex(glob, i)
            if bracket is None:
                return None
            parts.append(bracket)
        elif char == "\\":
            if i + 1 == end:  # a trailing backslash escapes nothing: never matches
                return None
            parts.append(re.escape(glob[i + 1]))
            i += 2
        else:
            parts.append(re.escape(char))
            i += 1
    return "".join(parts)


def _parse_pattern(line: str, index: int) -> _Pattern | None:
    """One gitignore line to a pattern, or None for blanks, comments and
    patterns that can never match (git's parse_path_pattern)."""
    line = _strip_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/")
    if dir_only:
        line = line[:-1]
    on_name = "/" not in line
    line = line.removeprefix("/")
    if not line:
        return None
    regex = _glob_to_regex(line)
    if regex is None:
        return None
    return _Pattern(index, line, regex, negated, dir_only, on_name)


class _Alternation:
    """Patterns compiled into one regex whose alternatives run from the last
    pattern to the first, so one fullmatch finds the pattern that decides."""

    def __init__(self, patterns: Sequence[_Pattern]) -> None:
        self._latest_first = sorted(patterns, key=lambda p: p.index, reverse=True)
        self._regex = re.compile("|".join(f"({p.regex})" for p in self._latest_first))

    def last_match(self, subject: str) -> _Pattern | None:
        match = self._regex.fullmatch(subject)
        # Each alternative is one group and holds no other groups, so the
        # group that matched says which pattern it was.
        return self._latest_first[match.lastindex - 1] if match else None


def _is_literal(glob: str) -> bool:
    return not any(char in glob for char in "*?[\\")


def _later(found: _Pattern | None, other: _Pattern | None) -> _Pattern | None:
    if found is None or (other is not None and other.index > found.index):
        return other
    return found


class _Matcher:
    """Finds the last of some patterns that matches an entry, trying only the
    patterns that can match: most patterns are a literal name (`.env`,
    `node_modules`) or start with a literal directory (`/docs/_build`), and
    for those a dict lookup replaces running a regex on every entry."""

    def __init__(self, patterns: Sequence[_Pattern]) -> None:
        self._by_name: dict[str, _Pattern] = {}  # a later pattern replaces an earlier one
        name_globs: list[_Pattern] = []
        by_first_dir: dict[str, list[_Pattern]] = {}
        path_globs: list[_Pattern] = []
        for pattern in patterns:
            if pattern.on_name:
                if _is_literal(pattern.glob):
                    self._by_name[pattern.glob] = pattern
                else:
                    name_globs.append(pattern)
            else:
                first_dir = pattern.glob.partition("/")[0]
                if _is_literal(first_dir):
                    by_first_dir.setdefault(first_dir, []).append(pattern)
                else:
                    path_globs.append(pattern)
        self._name_globs = _Alternation(name_globs) if name_globs else None
        self._by_first_dir = {first: _Alternation(group) for first, group in by_first_dir.items()}
        self._path_globs = _Alternation(path_globs) if path_globs else None

    def last_match(self, path: str, name: str) -> _Pattern | None:
        found = self._by_name.get(name)
        if self._name_globs:
            found = _later(found, self._name_globs.last_match(name))
        if self._by_first_dir:
            group = self._by_first_dir.get(path.partition("/")[0])
            if group:
                found = _later(found, group.last_match(path))
        if self._path_globs:
            found = _later(found, self._path_globs.last_match(path))
        return found


class _PatternList:
    """An ordered list of gitignore patterns, as one .gitignore file holds."""

    def __init__(self, lines: Iterable[str]) -> None:
        patterns = [p for index, line in enumerate(lines) if (p := _parse_pattern(line, index))]
        self.is_empty = not patterns
        self._for_files = _Matcher([p for p in patterns if not p.dir_only])
        self._for_dirs = _Matcher(patterns)

    def verdict(self, path: str, name: str, is_dir: bool) -> bool | None:
        """True if the entry itself is excluded, False if re-included by a
        negation, None if no pattern matches it. `path` is relative to the
        patterns' base directory and `name` is its last component."""
        deciding = (self._for_dirs if is_dir else self._for_files).last_match(path, name)
        return None if deciding is None else not deciding.negated


def matches_skip_paths(path: str, patterns: Sequence[str]) -> bool:
    """A rule's `skip_paths` (fnmatch patterns, where `*` also crosses `/`):
    does one match the root-relative path, or its file name?"""
    if not patterns:
        return False
    matcher = _skip_matcher(tuple(patterns))
    return bool(matcher(path) or matcher(path.rsplit("/", 1)[-1]))


@functools.lru_cache(maxsize=64)
def _skip_matcher(patterns: tuple[str, ...]):
    """One regex for a rule's patterns: a rule tests every file against dozens."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


class PathMatcher:
    """Gitignore-style patterns, compiled once; also used for per-file-ignores."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = _PatternList(patterns)

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether `path` (root-relative posix) is excluded, itself or through
        one of its parent directories: as in git, nothing under an excluded
        directory can be re-included."""
        name_start = 0
        while (slash := path.find("/", name_start)) != -1:
            if slash > name_start and self._patterns.verdict(path[:slash], path[name_start:slash], True):
                return True
            name_start = slash + 1
        return bool(self._patterns.verdict(path, path[name_start:], is_dir))


@dataclass(frozen=True)
class _IgnoreFile:
    """A .gitignore (or info/exclude) and the directory its patterns are relative to."""

    patterns: _PatternList
    base_len: int  # length of the base directory's absolute posix path plus its slash


_IgnoreRules = tuple[_IgnoreFile, ...]  # shallowest first; the deepest file that matches decides


def _to_posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


def _git_dir(worktree: str) -> str | None:
    """The git directory of a repository's top-level directory. `.git` is
    usually that directory; in a submodule or linked worktree it is a file
    naming it, and a worktree keeps info/exclude in the main repository."""
    dot_git = os.path.join(worktree, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as pointer:
            first_line = pointer.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first_line.startswith("gitdir:"):
        return None
    git_dir = os.path.join(worktree, first_line.removeprefix("gitdir:").strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as commondir:
            return os.path.join(git_dir, commondir.read().strip())
    except OSError:
        return git_dir


# --------------------------------------------------------------------------
# Root and discovery


def find_root(paths: Sequence[Path], cwd: Path, config_dir: Path | None) -> Path:
    """The directory that output paths are relative to: the configuration's
    directory; else the repository holding the paths; else the working
    directory if it holds them all; else their common directory."""
    if config_dir is not None:
        return Path(os.path.abspath(cwd / config_dir))
    absolute = [os.path.abspath(cwd / path) for path in paths] or [os.path.abspath(cwd)]
    common = os.path.commonpath([p if os.path.isdir(p) else os.path.dirname(p) for p in absolute])
    directory = common
    while True:
        if os.path.lexists(os.path.join(directory, ".git")):
            return Path(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    cwd_str = os.path.abspath(cwd)
    if all(p == cwd_str or p.startswith(os.path.join(cwd_str, "")) for p in absolute):
        return Path(cwd_str)
    return Path(common)


def discover(
    paths: Sequence[Path],
    root: Path,
    *,
    exclude: Sequence[str] = DEFAULT_EXCLUDES,
    extend_exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    """The regular files to lint under `paths`.

    A file named in `paths` is linted even if excluded or ignored, and a
    directory named in `paths` is walked even if it is (what it holds is still
    filtered), unless `force_exclude`. A directory holding a `pyvenv.cfg` is a
    virtualenv and is skipped whatever the excludes say. Raises PathNotFound
    for a path that does not exist.
    """
    excludes = _PatternList([*exclude, *extend_exclude])
    abs_root = os.path.abspath(root)
    abs_paths = [os.path.abspath(path) for path in paths]
    # What was asked for: the root, and what was named outside it (where
    # links inside the root may not lead, but the user has sent us).
    outside_root = [p for p in abs_paths if p != abs_root and not p.startswith(os.path.join(abs_root, ""))]
    real_bases = [os.path.realpath(p) for p in (abs_root, *outside_root)]
    walker = _Walker(abs_root, excludes, respect_gitignore, real_bases)
    named: list[tuple[str, os.stat_result]] = []
    for path, abs_path in zip(paths, abs_paths):
        try:
            path_stat = os.stat(abs_path)
        except (FileNotFoundError, NotADirectoryError):
            raise PathNotFound(path) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problem = FileProblem(walker.display(abs_path), LINK_LOOP, kind="skipped")
            else:
                problem = FileProblem(walker.display(abs_path), f"cannot access: {exc.strerror}")
            walker.problems.append(problem)
            continue
        if not stays_inside(abs_path, real_bases):
            walker.problems.append(FileProblem(walker.display(abs_path), LINK_OUTSIDE_TREE, kind="skipped"))
            continue
        named.append((abs_path, path_stat))

    # Walk in path order, so that of two routes to one real directory (through
    # a symlink) the one that sorts first is the one listed.
    named.sort(key=lambda item: walker.display(item[0]) + "/")
    for abs_path, path_stat in named:
        is_dir = stat.S_ISDIR(path_stat.st_mode)
        if force_exclude and walker.is_excluded(abs_path, is_dir):
            continue
        if is_dir:
            walker.walk(abs_path)
        elif stat.S_ISREG(path_stat.st_mode):
            walker.add_named_file(abs_path, path_stat)
        else:
            problem = FileProblem(walker.display(abs_path), not_regular_reason(path_stat.st_mode), kind="skipped")
            walker.problems.append(problem)
    return Discovery(walker.candidates(), walker.problems)


class _Directory(NamedTuple):
    """A directory waiting to be listed."""

    abs_path: str
    as_path: Path  # the same, for the candidates' abs_path
    path: str  # as reported
    inherited: _IgnoreRules  # the .gitignore rules of its parent


# Why stat() fails on a symlink that leads nowhere: skipped without a word.
_DANGLING_LINK_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR})
LINK_OUTSIDE_TREE = "symbolic link leading outside the scanned tree; not followed"
LINK_LOOP = "symbolic link loop; not followed"


def not_regular_reason(mode: int) -> str:
    """Why a path named to be linted is not read: what it is instead. Opening
    a named pipe would wait for a writer, and reading a device never ends."""
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a regular file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file; not read"
    return "not a regular file; not read"


def stays_inside(abs_path: str | Path, real_bases: Iterable[str]) -> bool:
    """Whether `abs_path`, with every symbolic link on it resolved, is one of
    `real_bases` (resolved directories) or under one."""
    real = os.path.realpath(abs_path)
    return any(real == base or real.startswith(os.path.join(base, "")) for base in real_bases)


class _Walker:
    """The state of one discovery: what has been seen, parsed and found."""

    def __init__(self, root: str, exclude: _PatternList, respect_gitignore: bool, real_bases: list[str]) -> None:
        self._root = root
        self._real_bases = real_bases  # where symbolic links may lead
        self._root_prefix = os.path.join(root, "")
        self._exclude = exclude
        self._respect_gitignore = respect_gitignore
        self._visited_dirs: set[tuple[int, int]] = set()  # (st_dev, st_ino)
        # (path, found by walking, (st_dev, st_ino), absolute path): sorting
        # puts a path named on the command line before the same path walked.
        self._found: list[tuple[str, bool, tuple[int, int], Path]] = []
        self.problems: list[FileProblem] = []
        # What lookups up the tree read from the disk, by absolute path.
        self._ignore_files: dict[str, _IgnoreFile | None] = {}
        self._rules_in_dir: dict[str, _IgnoreRules] = {}

    def display(self, abs_path: str) -> str:
        """The path as reported: root-relative, or absolute when outside the root."""
        if abs_path.startswith(self._root_prefix):
            return _to_posix(abs_path[len(self._root_prefix) :])
        return "" if abs_path == self._root else _to_posix(abs_path)

    def add_named_file(self, abs_path: str, file_stat: os.stat_result) -> None:
        file_id = (file_stat.st_dev, file_stat.st_ino)
        self._found.append((self.display(abs_path), False, file_id, Path(abs_path)))

    def candidates(self) -> list[Candidate]:
        """Found files sorted by path; a real file reached by several paths is
        kept under the first, marked explicit if any route was."""
        kept: list[Candidate] = []
        position_of: dict[tuple[int, int], int] = {}
        for path, found_by_walking, file_id, abs_path in sorted(self._found):
            explicit = not found_by_walking
            position = position_of.get(file_id)
            if position is None:
                position_of[file_id] = len(kept)
                kept.append(Candidate(abs_path, path, explicit))
            elif explicit and not kept[position].explicit:
                kept[position] = replace(kept[position], explicit=True)
        return kept

    # -- exclusion ----------------------------------------------------------

    def _excludes_entry(
        self, path: str, abs_posix: str, name: str, is_dir: bool, rules: _IgnoreRules
    ) -> bool:
        """Whether an entry of a walked directory is left out, by the
        excludes (matched against its reported path) or by the .gitignore
        rules of that directory."""
        if self._exclude.verdict(path, name, is_dir):
            return True
        for ignore_file in reversed(rules):  # the deepest file with a say decides
            verdict = ignore_file.patterns.verdict(abs_posix[ignore_file.base_len :], name, is_dir)
            if verdict is not None:
                return verdict
        return False

    def is_excluded(self, abs_path: str, is_dir: bool) -> bool:
        """Whether a walk would leave this path out: the path itself, or one
        of the directories between it and the root (outside the root: its
        repository's top) is excluded, ignored or a virtualenv."""
        if abs_path == self._root:
            return False
        top = self._root if abs_path.startswith(self._root_prefix) else self._repo_top(abs_path)
        top_prefix = os.path.join(top, "") if top else None
        chain = [abs_path]  # from the path up to the top, exclusive
        while top_prefix and os.path.dirname(chain[-1]).startswith(top_prefix):
            chain.append(os.path.dirname(chain[-1]))
        for entry in reversed(chain):
            entry_is_dir = is_dir or entry != abs_path
            if entry_is_dir and os.path.isfile(os.path.join(entry, VIRTUALENV_MARKER)):
                return True
            rules = self._rules_in(os.path.dirname(entry)) if self._respect_gitignore else ()
            name = os.path.basename(entry)
            if self._excludes_entry(self.display(entry), _to_posix(entry), name, entry_is_dir, rules):
                return True
        return False

    # -- .gitignore rules ---------------------------------------------------

    def _read_ignore_file(self, path: str, base_dir: str) -> _IgnoreFile | None:
        """A .gitignore or info/exclude file; None if missing or empty."""
        if path not in self._ignore_files:
            self._ignore_files[path] = self._parse_ignore_file(path, base_dir)
        return self._ignore_files[path]

    def _parse_ignore_file(self, path: str, base_dir: str) -> _IgnoreFile | None:
        try:
            # git skips a UTF-8 byte order mark; names that are not UTF-8 are
            # kept the way os.scandir returns them.
            with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as ignore_file:
                text = ignore_file.read()
        except (FileNotFoundError, IsADirectoryError):
            return None
        except OSError as exc:
            reason = f"cannot read: {exc.strerror}; its patterns are not applied"
            self.problems.append(FileProblem(self.display(path), reason))
            return None
        # Lines end at "\n", as git splits them, and lose one "\r" before it.
        patterns = _PatternList(line.removesuffix("\r") for line in text.split("\n"))
        if patterns.is_empty:
            return None
        return _IgnoreFile(patterns, base_len=len(_to_posix(base_dir).rstrip("/")) + 1)

    def _extend_rules(
        self, directory: str, has_git: bool, has_gitignore: bool, inherited: _IgnoreRules
    ) -> _IgnoreRules:
        """The rules for a directory's entries, given what its parent passes
        down. A directory holding `.git` is a repository's top: git starts
        over there, with the repository's info/exclude."""
        rules = inherited
        if has_git:
            rules = ()
            git_dir = _git_dir(directory)
            if git_dir:
                info_exclude_path = os.path.join(git_dir, "info", "exclude")
                info_exclude = self._read_ignore_file(info_exclude_path, directory)
                rules = (info_exclude,) if info_exclude else ()
        if has_gitignore:
            own = self._read_ignore_file(os.path.join(directory, GITIGNORE), directory)
            rules = (*rules, own) if own else rules
        return rules

    @staticmethod
    def _repo_top(path: str) -> str | None:
        """The nearest directory above `path` that holds `.git`."""
        directory = os.path.dirname(path)
        while not os.path.lexists(os.path.join(directory, ".git")):
            if os.path.dirname(directory) == directory:
                return None
            directory = os.path.dirname(directory)
        return directory

    def _rules_above(self, directory: str) -> _IgnoreRules:
        """The rules `directory` inherits: its parent's, within the root and
        within a repository (so a .gitignore above the root counts when the
        root is inside that .gitignore's repository)."""
        parent = os.path.dirname(directory)
        if parent == directory or os.path.lexists(os.path.join(directory, ".git")):
            return ()  # the filesystem root, or a repository's top: nothing above counts
        if directory.startswith(self._root_prefix) or self._repo_top(directory):
            return self._rules_in(parent)
        return ()

    def _rules_in(self, directory: str) -> _IgnoreRules:
        """The rules for the entries of `directory`, looked up on the disk."""
        if directory not in self._rules_in_dir:
            self._rules_in_dir[directory] = self._extend_rules(
                directory,
                os.path.lexists(os.path.join(directory, ".git")),
                os.path.isfile(os.path.join(directory, GITIGNORE)),
                self._rules_above(directory),
            )
        return self._rules_in_dir[directory]

    # -- walking ------------------------------------------------------------

    def walk(self, start: str) -> None:
        """Add the files under `start`, pruning excluded directories.

        `start` itself is walked whatever the excludes say: the caller has
        decided. Directory symlinks are followed, but each real directory is
        listed once, which also ends symlink loops.
        """
        inherited = self._rules_above(start) if self._respect_gitignore else ()
        # Depth first, the smallest name on top of the stack: directories are
        # listed in the order of their paths.
        stack = [_Directory(start, Path(start), self.display(start), inherited)]
        while stack:
            directory = stack.pop()
            try:
                dir_stat = os.stat(directory.abs_path)
                dir_id = (dir_stat.st_dev, dir_stat.st_ino)
                if dir_id in self._visited_dirs:
                    continue
                with os.scandir(directory.abs_path) as listing:
                    entries = list(listing)
            except OSError as exc:
                reason = f"cannot list directory: {exc.strerror}"
                self.problems.append(FileProblem(directory.path or ".", reason))
                continue
            names = {entry.name for entry in entries}
            if VIRTUALENV_MARKER in names and directory.abs_path != start:
                continue  # left unvisited: if also named on the command line, it is walked then
            self._visited_dirs.add(dir_id)
            rules = (
                self._extend_rules(
                    directory.abs_path, ".git" in names, GITIGNORE in names, directory.inherited
                )
                if self._respect_gitignore
                else ()
            )
            subdirs = []
            prefix = f"{directory.path}/" if directory.path else ""
            for entry in entries:
                path = prefix + entry.name
                try:
                    is_dir = entry.is_dir()
                    file_id = None if is_dir else _file_id(entry, dir_stat.st_dev)
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        self.problems.append(FileProblem(path, LINK_LOOP, kind="skipped"))
                    elif exc.errno not in _DANGLING_LINK_ERRNOS:
                        self.problems.append(FileProblem(path, f"cannot access: {exc.strerror}"))
                    continue
                if not is_dir and file_id is None:
                    continue  # not a regular file
                if self._excludes_entry(path, _to_posix(entry.path), entry.name, is_dir, rules):
                    continue
                if entry.is_symlink() and not stays_inside(entry.path, self._real_bases):
                    self.problems.append(FileProblem(path, LINK_OUTSIDE_TREE, kind="skipped"))
                    continue
                if is_dir:
                    subdirs.append(_Directory(entry.path, directory.as_path / entry.name, path, rules))
                else:
                    self._found.append((path, True, file_id, directory.as_path / entry.name))
            subdirs.sort(key=lambda subdir: subdir.path + "/", reverse=True)
            stack.extend(subdirs)


def _file_id(entry: os.DirEntry, dir_dev: int) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the regular file an entry is or links to, None if
    it is something else. Only a symlink costs a system call: a plain file's
    inode comes with the listing (d_ino, which equals st_ino on the file
    systems we know of) and its device is its directory's."""
    if entry.is_symlink():
        target = entry.stat()
        return (target.st_dev, target.st_ino) if stat.S_ISREG(target.st_mode) else None
    return (dir_dev, entry.inode()) if entry.is_file() else None
