"""Writing a run's result: for people (text), for scripts (json), for code
scanning (sarif) and for GitHub Actions annotations (github).

Every reporter takes a `RunResult` and the `Catalog` and writes only to the
stream it is given. The helpers here are the parts more than one reporter
needs, so that all formats count and word things the same way.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from readylint.catalog import Catalog
from readylint.diagnostics import Applicability, Fix, RunResult, Severity

FORMATS = ("text", "json", "sarif", "github")

# Most severe first: the order of every per-severity count readylint prints.
SEVERITIES = tuple(sorted(Severity, key=lambda severity: severity.rank, reverse=True))

FIX_FLAGS = {
    Applicability.SAFE: "--fix",
    Applicability.UNSAFE: "--fix --unsafe-fixes",
}


def render(
    fmt: str,
    result: RunResult,
    catalog: Catalog,
    stream: TextIO,
    *,
    color: bool | None = None,
    statistics: bool = False,
    quiet: bool = False,
) -> None:
    """Write `result` to `stream` in the format `fmt` (one of `FORMATS`).

    `color`, `statistics` and `quiet` only shape the text format; the machine
    formats always carry everything. `color=None` means: colour when `stream`
    is a terminal and `NO_COLOR` is unset or empty.
    """
    # Reporters are imported on demand: they import the helpers below from
    # this package, and `--format json` should not pay for importing rich.
    if fmt == "text":
        from readylint.report import text

        use_color = wants_color(stream) if color is None else color
        text.render(result, stream, color=use_color, statistics=statistics, quiet=quiet)
    elif fmt == "json":
        from readylint.report import json_report

        json_report.render(result, stream)
    elif fmt == "sarif":
        from readylint.report import sarif

        sarif.render(result, catalog, stream)
    elif fmt == "github":
        from readylint.report import github

        github.render(result, stream)
    else:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")


def wants_color(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when the user set NO_COLOR (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def fix_hint(fix: Fix) -> str:
    """How to apply a fix, as the text reporter prints it under a finding."""
    return f"fix available ({fix.applicability.value}: run with {FIX_FLAGS[fix.applicability]})"


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`; `info` is a mass noun and has no plural."""
    if count == 1 or noun == "info":
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'x', 'sh', 'ch')) else 's'}"


@dataclass(frozen=True)
class Summary:
    """The counts every format reports at the end of a run."""

    findings: int
    files_with_findings: int
    files_checked: int
    by_rule: dict[str, int]  # code -> findings, by code
    by_severity: dict[Severity, int]  # every severity, most severe first
    exit_code: int
    baselined: int = 0  # findings hidden because the baseline lists them
    fixed: int = 0  # baseline entries that no longer match (shown with --show-fixed)

    def sentence(self) -> str:
        """`Found 3 findings (2 errors, 1 warning) in 2 files; 120 files checked.`"""
        checked = f"{plural(self.files_checked, 'file')} checked"
        if self.baselined:
            checked += f", {plural(self.baselined, 'baselined finding')} hidden"
        if not self.findings:
            return f"No findings; {checked}."
        breakdown = ", ".join(
            plural(count, severity.value) for severity, count in self.by_severity.items() if count
        )
        return (
            f"Found {plural(self.findings, 'finding')} ({breakdown}) "
            f"in {plural(self.files_with_findings, 'file')}; {checked}."
        )


def summarize(result: RunResult) -> Summary:
    by_rule = Counter(finding.code for finding in result.findings)
    by_severity = Counter(finding.severity for finding in result.findings)
    return Summary(
        findings=len(result.findings),
        files_with_findings=len({finding.path for finding in result.findings}),
        files_checked=result.files_checked,
        by_rule=dict(sorted(by_rule.items())),
        by_severity={severity: by_severity[severity] for severity in SEVERITIES},
        exit_code=result.exit_code,
        baselined=result.baselined,
        fixed=sum(entry.count for entry in result.fixed_baseline_entries),
    )
