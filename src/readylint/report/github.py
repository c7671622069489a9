"""`--format github`: GitHub Actions workflow commands, which the runner turns
into annotations on the pull request's diff.

    ::error file=app/client.py,line=12,col=8,endLine=12,endColumn=25,title=RL101 (outbound-call-without-timeout)::requests.get(...) has no timeout
"""

from __future__ import annotations

from typing import Iterator, TextIO

from readylint.diagnostics import FileProblem, Finding, ProblemKind, RunResult, Severity
from readylint.report import summarize

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

# GitHub's escaping rules (actions/toolkit, core/src/command.ts): the message
# escapes line breaks and `%`; property values also `:` and `,`, which
# separate the command's parts.
_MESSAGE_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def render(result: RunResult, stream: TextIO) -> None:
    for line in _lines(result):
        stream.write(line + "\n")


def _lines(result: RunResult) -> Iterator[str]:
    for finding in result.findings:
        yield _finding_command(finding)
    for problem in result.problems:
        if problem.kind is ProblemKind.ERROR and not problem.finding_code:
            yield _file_command("error", problem, f"could not analyse: {problem.reason}")
        elif problem.kind is ProblemKind.PARTIAL:
            yield _file_command("warning", problem, f"analysed only in part: {problem.reason}")
    for error in result.internal_errors:
        yield _file_command("error", error, f"readylint internal error: {error.reason}")
    yield summarize(result).sentence()


def _command(name: str, properties: dict[str, object], message: str) -> str:
    """One workflow command, `::name key=value,key=value::message`, escaped."""
    rendered = ",".join(
        f"{key}={str(value).translate(_PROPERTY_ESCAPES)}"
        for key, value in properties.items()
    )
    return f"::{name} {rendered}::{message.translate(_MESSAGE_ESCAPES)}"


def _finding_command(finding: Finding) -> str:
    properties: dict[str, object] = {
        "file": finding.path,
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "title": f"{finding.code} ({finding.name})",
    }
    if finding.end_line != finding.line:
        # GitHub supports columns only on annotations within one line.
        del properties["col"], properties["endColumn"]
    return _command(COMMANDS[finding.severity], properties, finding.message)


def _file_command(name: str, problem: FileProblem, message: str) -> str:
    return _command(name, {"file": problem.path}, message)
