"""Where a cold run's time goes: seconds per rule, in one process, no profiler.

    python bench/per_rule.py PATH [--select RL2]

cProfile's overhead triples the cost of small Python functions and so
misplaces the blame; this times each phase with `perf_counter` around the
engine's own calls instead: reading, parsing (`ast.parse` once per file),
then every rule's prefilter, `collect` and `check`, and the suppression scan,
with the garbage collector tuned as the engine tunes it.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from readylint.catalog import Catalog
from readylint.checks.base import ProjectCheck
from readylint.config import load_config
from readylint.discovery import discover
from readylint.engine import FileAnalyzer, FileResult, RunOptions, collector_tuned_for_analysis, select_rules
from readylint.sources import FileKind
from readylint.suppress import parse_suppressions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--select", default=None, help="rule code prefixes, comma-separated")
    args = parser.parse_args()

    root = args.path.resolve()
    config = load_config(None, root)
    catalog = Catalog.load(extensions=config.extend_rules)
    selection = select_rules(catalog, config, RunOptions(select=args.select.split(",") if args.select else None))
    analyzer = FileAnalyzer(catalog, selection, config.max_file_size)
    candidates = discover([root], root, extend_exclude=config.extend_exclude).files

    with collector_tuned_for_analysis():
        seconds, python_lines, total = time_phases(analyzer, catalog, candidates)
    print(f"{len(candidates)} files, {python_lines:,} Python lines, {total:.2f} s in one process "
          f"({python_lines / total:,.0f} lines/s)")
    for phase, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        if spent >= 0.005:
            print(f"  {phase:<22} {spent:7.2f} s  {100 * spent / total:5.1f}%")


def time_phases(analyzer: FileAnalyzer, catalog: Catalog, candidates: list) -> tuple[dict[str, float], int, float]:
    seconds: dict[str, float] = defaultdict(float)
    python_lines = 0
    started = time.perf_counter()
    for candidate in candidates:
        result = FileResult(candidate.path)
        mark = time.perf_counter()
        source = analyzer.read(candidate, result)
        seconds["read + decode"] += time.perf_counter() - mark
        if source is None:
            continue
        if source.kind is FileKind.PYTHON and analyzer.reads_python_trees:
            mark = time.perf_counter()
            source.python  # noqa: B018 - parse now, so the rules below are timed without it
            seconds["parse (ast)"] += time.perf_counter() - mark
            python_lines += source.text.count("\n")
        for check in analyzer.checks:
            if source.kind not in check.kinds:
                continue
            mark = time.perf_counter()
            applies = check.applies_to(source)
            seconds[f"{check.code} prefilter"] += time.perf_counter() - mark
            if not applies:
                continue
            mark = time.perf_counter()
            if isinstance(check, ProjectCheck):
                check.collect(source)
            list(check.check(source))
            seconds[check.code] += time.perf_counter() - mark
        mark = time.perf_counter()
        parse_suppressions(source, catalog)
        seconds["suppressions"] += time.perf_counter() - mark
    return seconds, python_lines, time.perf_counter() - started


if __name__ == "__main__":
    main()
