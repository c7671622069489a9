"""Changed-lines mode: which lines a branch added or changed since a git ref.

`readylint check --diff-base origin/main` reports only findings on those
lines (project rules still read the whole repository). The working tree is
compared with the ref, so uncommitted edits count, and files git does not
track yet count as wholly new.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from readylint.diagnostics import Finding

HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
WHOLE_FILE = None  # marker: every line of the file is new


class ChangesError(Exception):
    """git could not say what changed (no repository, unknown ref, no git)."""


def _git(top: Path, *args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=top, capture_output=True, text=True, encoding="utf-8", errors="surrogateescape",
        )
    except FileNotFoundError:
        raise ChangesError("--diff-base needs git, which is not installed") from None
    if completed.returncode != 0:
        reason = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"
        raise ChangesError(f"--diff-base: git {args[0]}: {reason}")
    return completed.stdout


C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """git C-quotes paths with tabs, newlines, quotes or backslashes (octal for other bytes)."""
    if not (len(path) >= 2 and path.startswith('"') and path.endswith('"')):
        return path
    body, out, index = path[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in "01234567":
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
            out.append(C_ESCAPES.get(following, ord(following)))
            index += 2
            continue
        out.extend(char.encode("utf-8", "surrogateescape"))
        index += 1
    return out.decode("utf-8", "replace")


def parse_diff(diff: str) -> dict[str, set[int]]:
    """Added or changed lines per path (paths as git prints them after b/)."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            current = None if target == "/dev/null" else changed.setdefault(target[2:], set())
        elif line.startswith("@@") and current is not None:
            match = HUNK_RE.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                current.update(range(start, start + count))
    return changed


def changed_lines(root: Path, base: str) -> dict[str, set[int] | None]:
    """Root-relative path -> changed line numbers, or WHOLE_FILE for untracked files."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    _git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    # Every option that the user's git configuration could change is given:
    # diff.noprefix or diff.mnemonicPrefix change the `b/` that parse_diff
    # strips, diff.interHunkContext fuses hunks (unchanged lines between them
    # would count as changed), a textconv driver renumbers lines.
    diff = _git(
        top, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/",
        "--unified=0", "--inter-hunk-context=0", base, "--",
    )
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    by_top_path: dict[str, set[int] | None] = dict(parse_diff(diff))
    by_top_path.update({path: WHOLE_FILE for path in untracked if path})
    result: dict[str, set[int] | None] = {}
    for path, lines in by_top_path.items():
        relative = Path(os.path.relpath(top / path, root)).as_posix()
        result[relative] = lines
    return result


def on_changed_lines(findings: list[Finding], changed: dict[str, set[int] | None]) -> list[Finding]:
    """Findings that touch an added or changed line (any line of their span)."""
    kept = []
    for finding in findings:
        if finding.path not in changed:
            continue
        lines = changed[finding.path]
        if lines is WHOLE_FILE or any(n in lines for n in range(finding.line, finding.end_line + 1)):
            kept.append(finding)
    return kept
