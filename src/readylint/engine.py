"""The two passes: every file on its own (in a process pool), then the project.

    paths -> discovery -> per-file pass -> project pass -> filters -> RunResult

The per-file pass reads each file once, runs the per-file checks on it and
collects the facts project checks asked for. The project pass judges those
facts together (a foreign key in one migration, its index in another).
Suppressions and per-file ignores apply to both.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from readylint.baseline import BASELINE_FILENAME, Baseline
from readylint.cache import FileState, ResultCache, run_key
from readylint.catalog import Catalog, RuleSpec
from readylint.checks import CHECKS, ENGINE_CODES, FILE_TOO_LARGE, PARSE_ERROR
from readylint.checks.base import Check, ProjectCheck, ProjectContext, new_finding
from readylint.config import Config, ConfigError, suggest
from readylint.changes import changed_lines, on_changed_lines
from readylint.checks.secrets import redaction_scanner
from readylint.diagnostics import FileProblem, Finding, ProblemKind, RunResult, UnreadableInput
from readylint.discovery import Candidate, Discovery, PathMatcher, discover, find_root, not_regular_reason
from readylint.sources import (
    SCRIPT_KINDS, DecodeError, FileKind, SourceFile, decode, kind_of, looks_binary, looks_generated, looks_minified,
)
from readylint.suppress import Suppressions, parse_suppressions

# Below this many files, worker start-up costs more than it saves.
POOL_MIN_FILES = 48
# Parsing allocates thousands of `ast` nodes per hundred lines. At Python's
# default (a collection every 700 allocations) the collector keeps
# re-scanning the live tree of a large file, and everything start-up built,
# though neither holds cycles to free: on the standard library that doubled
# the parse time (19.9 s against 8.0 s in one process, bench/per_rule.py).
# Loading the results cache (tens of thousands of small objects) suffered
# alike: 0.35 s against 0.09 s for saleor's. Analysis freezes start-up
# objects and collects far less often; memory stays bounded by one file's
# tree per process.
ANALYSIS_GC_THRESHOLDS = (100_000, 50, 100)
BLANKET_SUPPRESSION = "RL003"


@dataclass
class RunOptions:
    paths: Sequence[Path] = (Path("."),)
    select: Sequence[str] | None = None  # from the command line: replaces the config's
    ignore: Sequence[str] = ()  # from the command line: added to the config's
    jobs: int | None = None
    force_exclude: bool = False
    strict_suppressions: bool = False
    no_cache: bool = False
    diff_base: str | None = None  # report only findings on lines changed since this git ref
    baseline: Path | None = None  # hide findings recorded in this baseline file
    on_progress: Callable[[int, int], None] | None = None  # (files done, files total)


@dataclass
class Selection:
    """The rules that run, each with its effective options."""

    rules: dict[str, RuleSpec]
    options: dict[str, dict[str, Any]]

    def __contains__(self, code: str) -> bool:
        return code in self.rules


def select_rules(catalog: Catalog, config: Config, options: RunOptions) -> Selection:
    source = str(config.path) if config.path else "command line"
    selectors = list(options.select) if options.select is not None else config.select
    ignored = [*config.ignore, *options.ignore]
    chosen = {r.code for r in catalog} if not selectors else set()
    for selector in selectors or ():
        chosen |= {r.code for r in _matching(catalog, selector, source)}
    # Engine rules report files nothing else could check: on unless ignored.
    # RL001 is implied only beside rules that read syntax trees, so a run of
    # text rules alone (`--select RL5`) never parses code.
    implied = set(ENGINE_CODES)
    if not any(CHECKS[code].reads_syntax_tree for code in chosen - ENGINE_CODES if code in CHECKS):
        implied.discard(PARSE_ERROR)
    chosen |= implied
    # Blanket suppressions are allowed; only --strict-suppressions reports them.
    chosen.discard(BLANKET_SUPPRESSION)
    if options.strict_suppressions or config.strict_suppressions:
        chosen.add(BLANKET_SUPPRESSION)
    for selector in ignored:
        chosen -= {r.code for r in _matching(catalog, selector, source)}
    rules = {code: catalog.by_code[code] for code in sorted(chosen) if code in catalog.by_code}
    return Selection(rules, resolve_rule_options(catalog, config))


def _matching(catalog: Catalog, selector: str, source: str) -> list[RuleSpec]:
    rules = catalog.matching(selector)
    if not rules:
        names = [r.code for r in catalog] + [r.name for r in catalog]
        raise ConfigError(f"{source}: unknown rule '{selector}'{suggest(selector, names)}; see `readylint rules`")
    return rules


def resolve_rule_options(catalog: Catalog, config: Config) -> dict[str, dict[str, Any]]:
    resolved = {rule.code: rule.option_defaults() for rule in catalog}
    source = f"{config.path}" if config.path else "configuration"
    for key, values in config.rule_options.items():
        rule = catalog.get(key)
        if rule is None:
            names = [r.code for r in catalog] + [r.name for r in catalog]
            raise ConfigError(f"{source}: [rules.{key}]: unknown rule{suggest(key, names)}")
        for name, value in values.items():
            if name not in rule.options:
                known = ", ".join(rule.options) or "none"
                raise ConfigError(
                    f"{source}: [rules.{key}]: unknown option '{name}'{suggest(name, list(rule.options))}"
                    f"; {rule.code} options: {known}"
                )
            default = rule.options[name].default
            if default is not None and not _same_type(default, value):
                raise ConfigError(
                    f"{source}: [rules.{key}]: '{name}' must be {type(default).__name__}, got {value!r}"
                )
            resolved[rule.code][name] = value
    return resolved


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


# ---------------------------------------------------------------- per-file pass


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # project check code -> facts
    suppressions: Suppressions | None = None
    problem: FileProblem | None = None
    internal_errors: list[FileProblem] = field(default_factory=list)
    analysed: bool = False
    facts_only: bool = False  # read only as context for project checks


class FileAnalyzer:
    """Runs every selected check on one file. Built once per worker process."""

    def __init__(self, catalog: Catalog, selection: Selection, max_file_size: int):
        self.catalog = catalog
        self.selection = selection
        self.max_file_size = max_file_size
        self.checks: list[Check] = [
            _build_check(rule, selection.options.get(code, {}))
            for code, rule in selection.rules.items()
            if code in CHECKS
        ]
        self.project_checks = [c for c in self.checks if isinstance(c, ProjectCheck)]
        self.tree_kinds = frozenset(kind for c in self.checks if c.reads_syntax_tree for kind in c.kinds)
        for check in self.checks:
            check.prepare(catalog, selection)
        self.redaction = redaction_scanner(catalog, selection)

    def analyse(self, candidate: Candidate, *, facts_only: bool = False) -> FileResult:
        result = FileResult(candidate.path, facts_only=facts_only)
        source = self.read(candidate, result)
        if source is None:
            return result
        return self.analyse_source(source, result)

    def analyse_source(self, source: SourceFile, result: FileResult) -> FileResult:
        """Run the checks on text already read (also used by `--fix` on text in memory)."""
        facts_only = result.facts_only
        result.analysed = True
        if source.kind in self.tree_kinds:
            result.problem = self.partly_analysed(source)
        for check in self.checks:
            if source.kind not in check.kinds:
                continue
            # A file read only as context serves the project checks that asked for it.
            if facts_only and not (isinstance(check, ProjectCheck) and check.wants_context(source.path)):
                continue
            try:
                if not check.applies_to(source):
                    continue
                if isinstance(check, ProjectCheck):
                    facts = check.collect(source)
                    if facts is not None:
                        result.facts[check.code] = facts
                if not facts_only:
                    result.findings.extend(check.check(source))
            except UnreadableInput as exc:  # the user's file, not the rule, is broken
                result.problem = result.problem or FileProblem(
                    source.path, f"{exc}; {check.code} did not check it", kind=ProblemKind.PARTIAL
                )
            except Exception as exc:  # one rule's bug must not stop the run
                result.internal_errors.append(
                    FileProblem(
                        source.path,
                        f"internal error in {check.code} ({type(exc).__name__}: {exc}); "
                        "please report it with this file",
                    )
                )
        if facts_only:
            return result
        suppressions = parse_suppressions(source, self.catalog)
        result.findings = [f for f in result.findings if not suppressions.covers(f)]
        if BLANKET_SUPPRESSION in self.selection:
            result.findings.extend(self.blanket_suppressions(source, suppressions))
        self.attach_source_lines(result.findings, source)
        # Kept for the project pass, which filters its findings too; most files have none.
        result.suppressions = suppressions if suppressions.silences_anything else None
        return result

    @staticmethod
    def partly_analysed(source: SourceFile) -> FileProblem | None:
        """Why rules could read only part of a file that parsed, if they could."""
        if source.kind is FileKind.PYTHON and source.python.newer_syntax:
            return FileProblem(
                source.path,
                "valid Python newer than this interpreter can analyse: Python rules skipped "
                "(run readylint on a newer Python)",
                kind=ProblemKind.PARTIAL,
            )
        if source.kind in SCRIPT_KINDS and source.script.error and not source.script.unreadable:
            line, _ = source.script.error
            return FileProblem(
                source.path, f"syntax error at line {line}: the rest of the file was analysed", kind=ProblemKind.PARTIAL
            )
        return None

    def read(self, candidate: Candidate, result: FileResult) -> SourceFile | None:
        """The file's text, or None with the reason recorded (RL001/RL002 or a skip)."""
        kind = kind_of(candidate.path)
        try:
            # Non-blocking: a file replaced by a named pipe since discovery
            # must not make open() wait for a writer that never comes.
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows
            descriptor = os.open(candidate.abs_path, flags)
            with open(descriptor, "rb") as handle:
                file_stat = os.fstat(descriptor)
                if not stat.S_ISREG(file_stat.st_mode):
                    result.problem = FileProblem(
                        candidate.path, not_regular_reason(file_stat.st_mode), kind=ProblemKind.SKIPPED
                    )
                    return None
                size = file_stat.st_size
                data = handle.read(self.max_file_size + 1)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if isinstance(exc, FileNotFoundError):
                reason += " (deleted during the run?)"
            self.engine_finding(result, PARSE_ERROR, 1, 1, f"cannot read file: {reason}")
            return None
        if looks_binary(data):
            if kind is FileKind.TEXT:
                result.problem = FileProblem(candidate.path, "binary file", kind=ProblemKind.SKIPPED)
            else:
                self.engine_finding(
                    result, PARSE_ERROR, 1, 1, f"binary content (NUL bytes) in a {kind.value} file; not checked"
                )
            return None
        if size > self.max_file_size:
            self.engine_finding(
                result, FILE_TOO_LARGE, 1, 1,
                f"file is {_human_size(size)}, over max-file-size ({_human_size(self.max_file_size)}): "
                "not checked; exclude it in the configuration or raise max-file-size",
            )
            return None
        try:
            text = decode(data, kind)
        except DecodeError as exc:
            self.engine_finding(result, PARSE_ERROR, exc.line, exc.column, f"cannot decode file: {exc.reason}")
            return None
        return self.source_of_text(candidate, text)

    @staticmethod
    def source_of_text(candidate: Candidate, text: str) -> SourceFile:
        """The file's text as the checks read it (also an editor's, in `readylint server`)."""
        kind = kind_of(candidate.path)
        if kind in SCRIPT_KINDS and (looks_minified(text) or looks_generated(text)):
            kind = FileKind.TEXT  # generated: nothing to fix in its code, but a leaked key is still leaked
        return SourceFile(candidate.path, text, kind, candidate.abs_path)

    def attach_source_lines(self, findings: list[Finding], source: SourceFile | None) -> None:
        """Give each finding its line's text, with every secret on the lines
        shown masked, and redact the finding's own secret (Finding.redact_secret)."""
        secrets_on: dict[str, set[str]] = {}  # a line shown -> the secrets in it
        if source is not None and findings:
            for finding in findings:
                finding.source_line = source.line(finding.line)
            # Only the lines shown are scanned (a project finding's file is re-read
            # for its line; scanning the whole file again cost a warm run 10%).
            shown_lines = list(dict.fromkeys(f.source_line for f in findings))
            shown = SourceFile(source.path, "\n".join(shown_lines), source.kind)
            for hit in self.redaction.scan(shown):
                line, _ = shown.position(hit.start)
                secrets_on.setdefault(shown_lines[line - 1], set()).add(hit.secret)
        for finding in findings:
            # Each finding masks its own line's secrets, not the whole file's:
            # a file with a secret on each of 5,000 lines took 5,000 x 5,000 replaces.
            finding.redact_secret(secrets_on.get(finding.source_line, ()))

    def engine_finding(self, result: FileResult, code: str, line: int, column: int, message: str) -> None:
        reported = code in self.selection
        result.problem = FileProblem(result.path, message, finding_code=code if reported else None)
        if reported:
            result.findings.append(new_finding(self.selection.rules[code], result.path, line, column, message))

    def blanket_suppressions(self, source: SourceFile, suppressions: Suppressions) -> Iterable[Finding]:
        rule = self.selection.rules[BLANKET_SUPPRESSION]
        for line in suppressions.bare_lines:
            yield new_finding(rule, source.path, line, 1, "suppression without rule codes silences every rule here; "
                              "name the rules, e.g. `# readylint: ignore[RL101]`")
        for line, name in suppressions.unknown:
            yield new_finding(rule, source.path, line, 1, f"suppression names unknown rule '{name}'; "
                              "it silences nothing (see `readylint rules`)")


def _build_check(rule: RuleSpec, options: dict[str, Any]) -> Check:
    """A rule's check; a catalog or option it cannot use (a user's extend-rules
    entry of the wrong shape) is a configuration error naming the rule's files."""
    try:
        return CHECKS[rule.code](rule, options)
    except ValueError as exc:
        files = ", ".join(str(path) for path in rule.sources) or rule.code
        raise ConfigError(f"{files}: {exc}") from None


def _human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


# Worker processes build their analyzer once, from a pickled snapshot.
_worker_analyzer: FileAnalyzer | None = None


def _init_worker(catalog: Catalog, selection: Selection, max_file_size: int) -> None:
    global _worker_analyzer
    _worker_analyzer = FileAnalyzer(catalog, selection, max_file_size)
    gc.freeze()  # start-up objects (catalogs, compiled patterns) live as long as the worker
    gc.set_threshold(*ANALYSIS_GC_THRESHOLDS)


@contextmanager
def collector_tuned_for_analysis():
    """In this process, while files are analysed and results loaded: start-up
    objects frozen, ANALYSIS_GC_THRESHOLDS; then as before."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*ANALYSIS_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _analyse_batch(batch: list[tuple[Candidate, bool]]) -> list[FileResult]:
    assert _worker_analyzer is not None
    return [_worker_analyzer.analyse(candidate, facts_only=facts_only) for candidate, facts_only in batch]


def available_cpus(cgroup_root: Path = Path("/sys/fs/cgroup")) -> int:
    """The CPUs this process may use: its affinity mask, capped by a container's
    CPU quota (a CI container limited to 2 CPUs on a 64-core host must not
    start 64 workers)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        count = os.cpu_count() or 1
    quota = _cgroup_cpu_quota(cgroup_root)
    return max(1, min(count, quota)) if quota else count


def _cgroup_cpu_quota(root: Path) -> int | None:
    """CPUs allowed by the cgroup quota (v2 `cpu.max`, or v1 `cpu.cfs_quota_us`), None if unlimited."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max": no quota
        return None
    if quota_us <= 0 or period_us <= 0:  # v1 writes -1 for no quota
        return None
    return -(-quota_us // period_us)  # a partial CPU still runs a worker


def analyse_files(
    analyzer: FileAnalyzer,
    work: list[tuple[Candidate, bool]],
    jobs: int,
    on_progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    total = len(work)
    if jobs <= 1 or total < POOL_MIN_FILES:
        results = []
        for index, (candidate, facts_only) in enumerate(work, start=1):
            results.append(analyzer.analyse(candidate, facts_only=facts_only))
            if on_progress:
                on_progress(index, total)
        return results
    # Batches amortise the round-trip per task; several per worker keep the
    # cores busy when some files are much slower than others. Striding mixes
    # big and small files; results are put back in input order.
    batch_count = min(total, jobs * 8)
    batches = [work[i::batch_count] for i in range(batch_count)]
    # Imported here: small runs (pre-commit) never pay for multiprocessing.
    from concurrent.futures import ProcessPoolExecutor

    results: list[FileResult | None] = [None] * total
    done = 0
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=(analyzer.catalog, analyzer.selection, analyzer.max_file_size),
    ) as pool:
        for start, batch_results in enumerate(pool.map(_analyse_batch, batches)):
            results[start::batch_count] = batch_results
            done += len(batch_results)
            if on_progress:
                on_progress(done, total)
    return results  # type: ignore[return-value]


# ---------------------------------------------------------------- the run


def run(config: Config, catalog: Catalog, options: RunOptions, cwd: Path | None = None) -> RunResult:
    cwd = (cwd or Path.cwd()).resolve()
    paths = [p if p.is_absolute() else cwd / p for p in options.paths]
    root = find_root(paths, cwd, config.directory)
    selection = select_rules(catalog, config, options)
    discovery = discover_files(paths, root, config, force_exclude=options.force_exclude)
    discovery.files = [c for c in discovery.files if not is_baseline_file(c, options, config)]
    analyzer = FileAnalyzer(catalog, selection, config.max_file_size)
    work = [(candidate, False) for candidate in discovery.files]
    # Pre-commit passes only some files; project rules still need their
    # context (the whole migration history), read for facts only.
    partial = all(p.is_file() for p in paths)
    reportable = {c.path for c in discovery.files} if partial else None
    if partial and analyzer.project_checks:
        context = discover_files([root], root, config)
        work += [
            (c, True) for c in context.files
            if c.path not in reportable and any(check.wants_context(c.path) for check in analyzer.project_checks)
        ]
    jobs = options.jobs or available_cpus()
    with collector_tuned_for_analysis():
        cache = ResultCache.open(root, cache_key(catalog, selection, config), enabled=not options.no_cache)
        results = analyse_with_cache(analyzer, work, cache, jobs, options.on_progress)
        if root in paths:  # the whole tree was seen: what is not in it is gone
            cache.forget_except({candidate.path for candidate, _ in work})
        cache.save()
        # Files read only as context for project checks report nothing themselves
        # (an unreadable one would otherwise surface as an RL001 nobody asked for).
        findings = [f for r in results if not r.facts_only for f in r.findings]
        findings = refined_findings(analyzer, results, findings, root, reportable)
        findings += project_findings(analyzer, results, root, reportable)
    findings = finish_findings(findings, config, catalog)
    if options.diff_base:
        findings = on_changed_lines(findings, changed_lines(root, options.diff_base))
    checked = {r.path for r in results if r.analysed and not r.facts_only}
    baselined, fixed = 0, []
    if options.baseline:
        findings, baselined, fixed = Baseline.load(options.baseline).split(findings, checked)
    problems = discovery.problems + [r.problem for r in results if r.problem and not r.facts_only]
    return RunResult(
        root=root,
        findings=findings,
        problems=sorted(problems, key=lambda p: p.path),
        files_checked=len(checked),
        fail_on=config.fail_on,
        internal_errors=[e for r in results for e in r.internal_errors],
        baselined=baselined,
        fixed_baseline_entries=fixed,
        notices=cache.notices,
    )


def discover_files(paths: Sequence[Path], root: Path, config: Config, *, force_exclude: bool = False) -> Discovery:
    """The files to lint under `paths`, with the configuration's excludes."""
    excludes = {"exclude": config.exclude} if config.exclude is not None else {}
    return discover(
        paths, root, extend_exclude=config.extend_exclude, respect_gitignore=config.respect_gitignore,
        force_exclude=force_exclude, **excludes,
    )


def finish_findings(findings: list[Finding], config: Config, catalog: Catalog) -> list[Finding]:
    """Both passes' findings as every output shows them: per-file ignores
    applied, sorted, fingerprinted."""
    findings = apply_per_file_ignores(findings, config.per_file_ignores, catalog)
    findings.sort(key=lambda f: f.sort_key)
    assign_fingerprints(findings)
    return findings


def is_baseline_file(candidate: Candidate, options: RunOptions, config: Config) -> bool:
    """Baseline files quote findings (and suppression syntax): never lint them."""
    if candidate.abs_path.name == BASELINE_FILENAME:
        return True
    configured = [p for p in (options.baseline, config.baseline) if p and p.name == candidate.abs_path.name]
    return any(candidate.abs_path.resolve() == p.resolve() for p in configured)


def cache_key(catalog: Catalog, selection: Selection, config: Config) -> str:
    rules = [
        (r.code, r.severity.value, r.catalog, r.option_defaults(), r.suppression_markers) for r in catalog
    ]
    return run_key(rules, sorted(selection.rules), selection.options, config.max_file_size)


def analyse_with_cache(
    analyzer: FileAnalyzer,
    work: list[tuple[Candidate, bool]],
    cache: ResultCache,
    jobs: int,
    on_progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    """Results of unchanged files come from the cache; the rest are analysed."""
    results: list[FileResult | None] = []
    states: list[FileState | None] = []
    pending: list[int] = []
    for index, (candidate, facts_only) in enumerate(work):
        cached, state = cache.lookup(candidate.path, candidate.abs_path, analyzer.max_file_size)
        # A full result also serves a facts-only request; not the other way round.
        if cached is not None and (facts_only or not cached.facts_only):
            cached = replace(cached, findings=[], problem=None, facts_only=True) if facts_only else cached
            results.append(cached)
        else:
            results.append(None)
            pending.append(index)
        states.append(state)
    fresh = analyse_files(analyzer, [work[i] for i in pending], jobs, on_progress)
    for index, result in zip(pending, fresh):
        results[index] = result
        if not result.internal_errors:  # a crash is retried next run, not remembered
            cache.put(result.path, states[index], result)
    return results  # type: ignore[return-value]


def refined_findings(
    analyzer: FileAnalyzer, results: list[FileResult], findings: list[Finding], root: Path,
    reportable: set[str] | None,
) -> list[Finding]:
    """Per-file findings, as each project check refines its own with the project's facts."""
    project = ProjectContext(root, reportable)
    for check in analyzer.project_checks:
        own = [f for f in findings if f.code == check.code]
        if not own:
            continue
        facts = {r.path: r.facts[check.code] for r in results if check.code in r.facts}
        kept = {id(f) for f in check.refine(own, facts, project)}
        findings = [f for f in findings if f.code != check.code or id(f) in kept]
    return findings


def project_findings(
    analyzer: FileAnalyzer, results: list[FileResult], root: Path, reportable: set[str] | None,
    sources: dict[str, SourceFile | None] | None = None,
) -> list[Finding]:
    """The project checks' findings. A finding's line comes from its file in
    `sources` (files already read: an editor's text, or a file read by an
    earlier pass), else from disk, and what is read is kept there."""
    if not analyzer.project_checks:
        return []
    suppressions = {r.path: r.suppressions for r in results if r.suppressions}
    project = ProjectContext(root, reportable)
    findings = []
    sources = {} if sources is None else sources
    for check in analyzer.project_checks:
        facts = {r.path: r.facts[check.code] for r in results if check.code in r.facts}
        for finding in check.check_project(facts, project):
            if reportable is not None and finding.path not in reportable:
                continue
            file_suppressions = suppressions.get(finding.path)
            if file_suppressions and file_suppressions.covers(finding):
                continue
            if finding.path not in sources:
                sources[finding.path] = _reread(root, finding.path, analyzer)
            analyzer.attach_source_lines([finding], sources[finding.path])
            findings.append(finding)
    return findings


def _reread(root: Path, path: str, analyzer: FileAnalyzer) -> SourceFile | None:
    candidate = Candidate(abs_path=root / path, path=path, explicit=False)
    return analyzer.read(candidate, FileResult(path))


def apply_per_file_ignores(
    findings: list[Finding], per_file_ignores: dict[str, list[str]], catalog: Catalog
) -> list[Finding]:
    if not per_file_ignores:
        return findings
    rules = [
        (PathMatcher([pattern]), {r.code for s in selectors for r in _matching(catalog, s, "per-file-ignores")})
        for pattern, selectors in per_file_ignores.items()
    ]
    return [
        f for f in findings
        if not any(f.code in codes and matcher.matches(f.path) for matcher, codes in rules)
    ]


WHITESPACE_RE = re.compile(r"\s+")


def assign_fingerprints(findings: list[Finding]) -> None:
    """A fingerprint that survives edits elsewhere: built from the rule, the
    file, what the finding is about (its line's text with whitespace folded,
    or the check's own key, or a secret's hash) and which occurrence of that
    it is, never from the line number. Expects findings in sorted order."""
    seen: dict[str, int] = {}
    for finding in findings:
        if finding.secret_hash:
            identity = "secret:" + finding.secret_hash
        elif finding.fingerprint_key:
            identity = "key:" + finding.fingerprint_key
        else:
            identity = "line:" + WHITESPACE_RE.sub(" ", finding.source_line.strip())
        finding.identity = _digest(finding.code, finding.path, identity)
        occurrence = seen.get(finding.identity, 0)
        seen[finding.identity] = occurrence + 1
        finding.fingerprint = _digest(finding.identity, str(occurrence))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
