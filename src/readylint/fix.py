"""Applying fixes: `readylint check --fix [--unsafe-fixes] [--diff]`.

A finding may carry a Fix: one or more Edits that apply together. Per file,
fixes are applied in one pass when their edits do not overlap (a fix that
overlaps one already taken waits for the next pass); the file is then
checked again, in memory, because one fix can make another possible or
unnecessary, until nothing changes or `MAX_PASSES` is reached. A fix whose
result no longer parses is never applied: a fix must never break a file.
Safe fixes keep behaviour and are applied by `--fix`; unsafe ones (adding a
timeout changes what happens when the server is slow) also need
`--unsafe-fixes`. `--diff` shows the result as a unified diff and writes nothing.
"""

from __future__ import annotations

import ast
import difflib
import io
import os
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from readylint.catalog import Catalog
from readylint.config import Config
from readylint.diagnostics import Applicability, Finding, Fix, RunResult, mask_secret
from readylint.discovery import stays_inside
from readylint.engine import FileAnalyzer, FileResult, RunOptions, apply_per_file_ignores, select_rules
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile, decode, kind_of, wide_encoding

MAX_PASSES = 8


@dataclass
class FileFix:
    path: str  # as reported (relative to the run's root)
    abs_path: Path
    before: str
    after: str
    applied: int  # fixes applied over all passes
    secrets: frozenset[str] = frozenset()  # found in the file: masked in the diff

    def diff(self) -> str:
        diff = "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
            )
        )
        for secret in sorted(self.secrets, key=len, reverse=True):
            diff = diff.replace(secret, mask_secret(secret))
        return diff


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply every fix whose edits neither overlap nor touch an edit of a fix
    already taken (two insertions at one point: their order would be a guess)."""
    source = SourceFile("<fix>", text)
    taken: list[tuple[int, int, str]] = []
    applied = 0
    candidates = sorted(
        ([(source.offset(e.start.line, e.start.column), source.offset(e.end.line, e.end.column), e.content)
          for e in fix.edits] for fix in fixes if fix.edits),
        key=lambda spans: min(s for s, _, _ in spans),
    )
    for spans in candidates:
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        applied += 1
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    # Closed intervals: edits that merely touch also wait for the next pass.
    return a[0] <= b[1] and b[0] <= a[1]


def fix_text(
    analyzer: FileAnalyzer, path: str, text: str, *, unsafe: bool,
    keep: Callable[[list[Finding]], list[Finding]] = lambda findings: findings,
) -> tuple[str, int]:
    """Fix one file's text in memory, pass after pass; (new text, fixes applied)."""
    applied = 0
    for _ in range(MAX_PASSES):
        source = SourceFile(path, text)
        findings = keep(analyzer.analyse_source(source, FileResult(path)).findings)
        fixes = [f.fix for f in findings if allowed(f.fix, unsafe)]
        if not fixes:
            break
        new_text, count = apply_fixes(text, fixes)
        if count and not _still_parses(path, new_text):
            new_text, count = _one_by_one(text, fixes, path)
        if not count or new_text == text:
            break
        text, applied = new_text, applied + count
    return text, applied


def _one_by_one(text: str, fixes: list[Fix], path: str) -> tuple[str, int]:
    """The fixes of a pass whose result does not parse, tried alone: keep
    only the first one that leaves the file valid (positions move after it,
    so the others wait for the next pass, recomputed on the new text)."""
    for fix in fixes:
        new_text, count = apply_fixes(text, [fix])
        if count and _still_parses(path, new_text):
            return new_text, count
    return text, 0


def _still_parses(path: str, text: str) -> bool:
    kind = kind_of(path)
    if kind in SCRIPT_KINDS:
        from readylint.typescript.tree import parse_script

        return not parse_script(text, path).tree.root_node.has_error
    if kind is not FileKind.PYTHON:
        return True
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def fix_run(
    result: RunResult, config: Config, catalog: Catalog, options: RunOptions, *, unsafe: bool, write: bool
) -> list[FileFix]:
    """Fix every file of a finished run that has an applicable fix."""
    paths = sorted({f.path for f in result.findings if allowed(f.fix, unsafe)})
    if not paths:
        return []
    analyzer = FileAnalyzer(catalog, select_rules(catalog, config, options), config.max_file_size)

    def keep(findings: list[Finding]) -> list[Finding]:
        return apply_per_file_ignores(findings, config.per_file_ignores, catalog)

    changed = []
    real_root = os.path.realpath(result.root)
    for path in paths:
        abs_path = result.root / path
        # Discovery followed no link out of the tree; one made since is not written through.
        if not Path(path).is_absolute() and not stays_inside(abs_path, [real_root]):
            continue
        data = abs_path.read_bytes()
        before = decode(data, kind_of(path))
        after, applied = fix_text(analyzer, path, before, unsafe=unsafe, keep=keep)
        if after == before:
            continue
        secrets = frozenset(hit.secret for hit in analyzer.redaction.scan(SourceFile(path, before, kind_of(path), abs_path)))
        changed.append(FileFix(path, abs_path, before, after, applied, secrets))
        if write:
            abs_path.write_bytes(_encode_like(after, data, kind_of(path)))
    return changed


def _encode_like(text: str, original: bytes, kind: FileKind) -> bytes:
    """Text back to bytes in the file's own encoding, byte-order mark included."""
    wide = wide_encoding(original)
    if wide is not None:
        bom, encoding = wide
        return bom + text.encode(encoding)
    encoding = "utf-8"
    if kind is FileKind.PYTHON:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    return bom + text.encode(encoding)
