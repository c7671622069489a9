"""A project kept analysed in memory while its files change (`readylint server`).

`load()` runs the per-file pass over the workspace once, through the same
results cache as `readylint check`. After that, `update()` re-analyses one
file from the text an editor holds (not from disk) and `findings()` re-runs
only the project pass over the facts every file left: editing a file costs
that file's analysis plus the project pass, never the whole tree.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from readylint.catalog import Catalog
from readylint.config import Config, load_config
from readylint.baseline import Baseline
from readylint.diagnostics import Finding
from readylint.discovery import Candidate, find_root
from readylint.engine import (
    FileAnalyzer, FileResult, RunOptions, analyse_with_cache, available_cpus, cache_key,
    collector_tuned_for_analysis, discover_files, finish_findings, is_baseline_file, project_findings,
    refined_findings, select_rules,
)
from readylint.cache import ResultCache
from readylint.sources import SourceFile, kind_of


class LiveProject:
    """One workspace: its configuration, its rules, and every file's latest result."""

    def __init__(self, workspace: Path, *, use_cache: bool = True, jobs: int | None = None):
        self.workspace = Path(os.path.abspath(workspace))
        # ConfigError, CatalogError and BaselineError propagate: the caller reports them.
        self.config: Config = load_config(None, self.workspace)
        self.catalog = Catalog.load(extensions=self.config.extend_rules)
        # The configured baseline hides what it records, as in `check`.
        self.baseline = Baseline.load(self.config.baseline) if self.config.baseline else None
        self.root = find_root([self.workspace], self.workspace, self.config.directory)
        self.selection = select_rules(self.catalog, self.config, RunOptions())
        self.analyzer = FileAnalyzer(self.catalog, self.selection, self.config.max_file_size)
        self.use_cache = use_cache
        self.jobs = jobs or available_cpus()
        self.candidates: dict[str, Candidate] = {}  # path -> the file, for every file linted
        self.results: dict[str, FileResult] = {}
        self.buffers: dict[str, SourceFile] = {}  # the text of each file an editor holds open
        # Each file's text as the project pass reads its findings' lines: the
        # editor's, else the disk's, read once rather than on every edit.
        self.line_sources: dict[str, SourceFile | None] = {}
        self.notices: list[str] = []

    def load(self) -> None:
        """Analyse every file of the workspace (unchanged ones from the cache)."""
        discovery = discover_files([self.workspace], self.root, self.config)
        self.candidates = {
            c.path: c for c in discovery.files if not is_baseline_file(c, RunOptions(), self.config)
        }
        work = [(candidate, False) for candidate in self.candidates.values()]
        with collector_tuned_for_analysis():
            cache = ResultCache.open(
                self.root, cache_key(self.catalog, self.selection, self.config), enabled=self.use_cache
            )
            results = analyse_with_cache(self.analyzer, work, cache, self.jobs, None)
            if self.workspace == self.root:  # the whole tree was seen: what is not in it is gone
                cache.forget_except(set(self.candidates))
            cache.save()
        self.notices = cache.notices
        self.results = {result.path: result for result in results}

    def path_of(self, abs_path: Path) -> str | None:
        """The file's path as findings name it, or None when the configuration
        leaves it out (excluded, ignored by git, outside the workspace)."""
        candidate = self._candidate(abs_path)
        return candidate.path if candidate else None

    def _candidate(self, abs_path: Path) -> Candidate | None:
        abs_path = Path(os.path.abspath(abs_path))  # as discovery names files: symlinks kept
        if not abs_path.is_relative_to(self.workspace):
            return None
        path = abs_path.relative_to(self.root).as_posix()
        if path in self.candidates:
            return self.candidates[path]
        if not abs_path.is_file():
            return None  # a new buffer not yet saved: judged once it is on disk
        # A file created since load(): the configuration decides as it would for `check`.
        found = discover_files([abs_path], self.root, self.config, force_exclude=True).files
        if not found or is_baseline_file(found[0], RunOptions(), self.config):
            return None
        self.candidates[found[0].path] = found[0]
        return found[0]

    def update(self, abs_path: Path, text: str) -> FileResult | None:
        """Re-analyse one file from `text`; None if the configuration leaves it out."""
        candidate = self._candidate(abs_path)
        if candidate is None:
            return None
        self.buffers[candidate.path] = SourceFile(candidate.path, text, kind_of(candidate.path), candidate.abs_path)
        self.line_sources[candidate.path] = self.buffers[candidate.path]
        result = self._analyse_text(candidate, text)
        self.results[candidate.path] = result
        return result

    def reread(self, abs_path: Path) -> FileResult | None:
        """Analyse the file's text on disk again (the editor let go of it, or it
        changed on disk); forget it if it was deleted."""
        candidate = self._candidate(abs_path)
        if candidate is None:
            return None
        self.buffers.pop(candidate.path, None)
        self.line_sources.pop(candidate.path, None)
        if not candidate.abs_path.is_file():
            self.candidates.pop(candidate.path, None)
            self.results.pop(candidate.path, None)
            return None
        result = self.analyzer.analyse(candidate)
        self.results[candidate.path] = result
        return result

    def _analyse_text(self, candidate: Candidate, text: str) -> FileResult:
        if len(text.encode("utf-8", "surrogatepass")) > self.config.max_file_size:
            # Over the limit `check` would not read it: judged as `check` judges its file (RL002).
            return self.analyzer.analyse(candidate)
        source = self.analyzer.source_of_text(candidate, text)
        return self.analyzer.analyse_source(source, FileResult(candidate.path))

    def findings(self) -> dict[str, list[Finding]]:
        """Every file's findings, the project pass's included, as `check` would
        report them (suppressions, per-file ignores, baseline), grouped by path."""
        results = list(self.results.values())
        findings = [f for r in results for f in r.findings]
        findings = refined_findings(self.analyzer, results, findings, self.root, None)
        findings += project_findings(self.analyzer, results, self.root, None, self.line_sources)
        findings = finish_findings(findings, self.config, self.catalog)
        if self.baseline is not None:
            findings, _, _ = self.baseline.split(findings, set())
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            grouped[finding.path].append(finding)
        return grouped

    @property
    def settings_files(self) -> set[Path]:
        """Files besides a configuration file that decide what is reported:
        the rule extensions and the baseline (resolved paths)."""
        return {*self.config.extend_rules, *([self.config.baseline] if self.config.baseline else [])}
