"""Findings for people: one compact block per finding, in the style of ruff.

    app/client.py:12:5 RL101 requests.get(...) has no timeout
      12 | resp = requests.get(url)
         |        ^^^^^^^^^^^^^^^^^
         = fix available (unsafe: run with --fix --unsafe-fixes)

then the files that could not be analysed, internal errors, an optional
table of counts by rule, and a one-line summary.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from readylint.diagnostics import FileProblem, Finding, ProblemKind, RunResult, Severity
from readylint.report import Summary, fix_hint, plural, summarize

SEVERITY_STYLES = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}
GUTTER_STYLE = "blue"
# Above this many skipped files for one reason, print the count only.
MAX_NAMED_SKIPPED = 5

# Linted files are untrusted: a control character or bidi override in a
# source line or message must show as an escape, not act on the terminal.
# Tabs become a fixed run of spaces so that carets stay under the right text.
_DISPLAY_TABLE = {
    **{code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))},
    **{code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    ord("\t"): "    ",
}


def printable(value: str) -> str:
    """`value` with every control character escaped and tabs expanded."""
    return value.translate(_DISPLAY_TABLE)


def render(result: RunResult, stream: TextIO, *, color: bool, statistics: bool, quiet: bool) -> None:
    console = Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        # In a notebook rich would display the output instead of writing it.
        force_jupyter=False,
        # Never wrap or crop: a long path or message stays on its line, in a
        # terminal as in a file.
        soft_wrap=True,
    )
    for finding in result.findings:
        console.print(_headline(finding))
        if not quiet:
            for line in _excerpt(finding):
                console.print(line)
            console.print()
    if not quiet:
        _print_problems(console, result.problems)
    # Printed even when quiet: without it, exit code 2 would go unexplained.
    _print_internal_errors(console, result.internal_errors)
    if quiet:
        return
    summary = summarize(result)
    for entry in result.fixed_baseline_entries:
        console.print(Text(f"fixed: {entry.path} {entry.code} ({entry.count}x) {printable(entry.message)}", style="green"))
    if result.fixed_baseline_entries:
        console.print(Text("Re-run `readylint baseline` to drop fixed entries from the baseline.", style="green"))
        console.print()
    if statistics and result.findings:
        for row in _statistics(summary, result.findings):
            console.print(row)
        console.print()
    console.print(Text(summary.sentence(), style="bold"))


def _headline(finding: Finding) -> Text:
    """`path:line:col CODE message`: the line to grep for, and all that quiet mode prints."""
    return Text.assemble(
        (printable(finding.path), "bold"),
        f":{finding.line}:{finding.column} ",
        (finding.code, SEVERITY_STYLES[finding.severity]),
        " ",
        printable(finding.message),
    )


def _excerpt(finding: Finding) -> list[Text]:
    """The offending line with a caret underline, and the fix hint if there is a fix."""
    number = str(finding.line)
    margin = " " * len(number)
    lines = []
    if finding.source_line:
        source, pad, width = _underline(finding)
        lines.append(Text.assemble((f"  {number} | ", GUTTER_STYLE), source))
        lines.append(
            Text.assemble(
                (f"  {margin} | ", GUTTER_STYLE),
                " " * pad,
                ("^" * width, SEVERITY_STYLES[finding.severity]),
            )
        )
    if finding.fix:
        lines.append(Text.assemble((f"  {margin} = ", GUTTER_STYLE), (fix_hint(finding.fix), "italic")))
    return lines


def _underline(finding: Finding) -> tuple[str, int, int]:
    """The source line as printed, and the caret's offset and width in terminal cells.

    The span is clipped to the line; a finding over several lines is
    underlined to the end of its first line, and an empty span still gets
    one caret so that the reader sees where it is.
    """
    line = finding.source_line
    start = min(max(finding.column, 1), len(line) + 1) - 1
    end = len(line) if finding.end_line > finding.line else finding.end_column - 1
    if finding.masked_secret and line.startswith(finding.masked_secret, start):
        end = start + len(finding.masked_secret)  # the span was the secret; the line now shows its mask
    end = min(max(end, start), len(line))
    before, marked, after = (printable(part) for part in (line[:start], line[start:end], line[end:]))
    return before + marked + after, cell_len(before), max(cell_len(marked), 1)


def _print_problems(console: Console, problems: list[FileProblem]) -> None:
    # Problems an engine finding (RL001, RL002) already reported are not repeated.
    failed = [p for p in problems if p.kind is ProblemKind.ERROR and not p.finding_code]
    partial = [p for p in problems if p.kind is ProblemKind.PARTIAL]
    skipped_by_reason: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        if problem.kind is ProblemKind.SKIPPED:
            skipped_by_reason[problem.reason].append(problem.path)

    for heading, group in (("Could not analyse", failed), ("Analysed only in part", partial)):
        if group:
            console.print(Text(f"{heading} ({plural(len(group), 'file')}):", style="bold"))
            for problem in group:
                console.print(Text(f"  {printable(problem.path)}: {printable(problem.reason)}"))
    for reason, paths in skipped_by_reason.items():
        line = f"Skipped {plural(len(paths), 'file')} ({printable(reason)})"
        if len(paths) <= MAX_NAMED_SKIPPED:
            line += ": " + ", ".join(printable(path) for path in paths)
        console.print(Text(line))
    if problems:
        console.print()


def _print_internal_errors(console: Console, errors: list[FileProblem]) -> None:
    if not errors:
        return
    console.print(
        Text(
            f"readylint hit an internal error on {plural(len(errors), 'file')}; "
            "the results are incomplete and the exit code is 2:",
            style="bold red",
        )
    )
    for error in errors:
        console.print(Text(f"  {printable(error.path)}: {printable(error.reason)}"))
    console.print()


def _statistics(summary: Summary, findings: list[Finding]) -> list[Text]:
    """Findings per rule, most frequent first: `  3  RL101  outbound-call-without-timeout  error`."""
    example_by_code: dict[str, Finding] = {}
    for finding in findings:
        example_by_code.setdefault(finding.code, finding)
    count_width = len(str(max(summary.by_rule.values())))
    name_width = max(len(finding.name) for finding in example_by_code.values())
    lines = []
    for code, count in sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0])):
        example = example_by_code[code]
        lines.append(
            Text.assemble(
                f"{count:>{count_width}}  ",
                (code, SEVERITY_STYLES[example.severity]),
                f"  {example.name:<{name_width}}  {example.severity.value}",
            )
        )
    return lines
