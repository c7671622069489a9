"""The contract between the engine and a rule's logic.

A check is the *how* of one rule; its YAML catalog (same code) is the *what*:
metadata, docs, options and data. Per-file checks look at one file at a
time and run in worker processes. Project checks first `collect` small,
picklable facts from each file (in the workers), then judge the whole
project once (`check_project`) in the main process.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from readylint.catalog import Catalog, RuleSpec
from readylint.diagnostics import Finding, Fix, Severity
from readylint.sources import FileKind, SourceFile

if TYPE_CHECKING:
    from readylint.engine import Selection


def new_finding(
    rule: RuleSpec,
    path: str,
    line: int,
    column: int,
    message: str,
    *,
    end_line: int | None = None,
    end_column: int | None = None,
    severity: Severity | None = None,
    fix: Fix | None = None,
    fingerprint_key: str | None = None,
    secret: str | None = None,
) -> Finding:
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=severity or rule.severity,
        path=path,
        line=line,
        column=column,
        end_line=end_line if end_line is not None else line,
        end_column=end_column if end_column is not None else column,
        message=message,
        fix=fix,
        fingerprint_key=fingerprint_key,
        secret=secret,
    )


class Check:
    """Logic of one rule, instantiated once per worker with its effective options."""

    code: ClassVar[str]
    kinds: ClassVar[frozenset[FileKind]] = frozenset(FileKind)
    # Reads the shared syntax tree of code files (`file.python`, `file.script`).
    # Rules that scan text only say False, so a run of them alone never parses code.
    reads_syntax_tree: ClassVar[bool] = True

    def __init__(self, rule: RuleSpec, options: dict[str, Any]):
        self.rule = rule
        self.options = options

    def prepare(self, catalog: Catalog, selection: "Selection") -> None:
        """Called once per worker after construction, with every rule and the
        run's selection (which rules run, each rule's options): for checks
        that share one analysis across several rules (the secrets scanner
        serves RL501-RL504; RL301/RL302 read what RL101 calls outbound and
        RL201 a write, as the user extended those catalogs)."""

    def applies_to(self, file: SourceFile) -> bool:
        """A cheap prefilter (a substring test, a path test) run before `check`."""
        return True

    def check(self, file: SourceFile) -> Iterable[Finding]:
        return ()

    def finding(self, file: SourceFile, line: int, column: int, message: str, **details: Any) -> Finding:
        return new_finding(self.rule, file.path, line, column, message, **details)

    def finding_at(self, file: SourceFile, node: ast.AST, message: str, **details: Any) -> Finding:
        """A finding spanning an `ast` node (byte offsets converted to characters)."""
        line = node.lineno
        end_line = node.end_lineno or line
        column = file.char_column(line, node.col_offset)
        end_column = file.char_column(end_line, node.end_col_offset or node.col_offset)
        return self.finding(
            file, line, column, message, end_line=end_line, end_column=end_column, **details
        )


class ProjectContext:
    """What a project check may know beyond the facts: where the project is."""

    def __init__(self, root: Path, reportable: set[str] | None):
        self.root = root
        # None: every file may carry findings. Otherwise only these paths
        # (pre-commit passes some files; history is still read in full).
        self.reportable = reportable


class ProjectCheck(Check):
    """A rule that needs the whole project (migration history, settings)."""

    def collect(self, file: SourceFile) -> Any:
        """Facts about one file for `check_project`, or None. Must be picklable."""
        return None

    def wants_context(self, path: str) -> bool:
        """When only some files are linted, should this other file still be read
        for facts? (A migration in the same history: yes.)"""
        return False

    def check_project(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        return ()

    def refine(self, findings: list[Finding], facts: dict[str, Any], project: ProjectContext) -> list[Finding]:
        """This rule's per-file findings, less those the whole project shows to
        be out of scope (RL101: a module only browser code imports)."""
        return findings
