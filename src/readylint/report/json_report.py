"""`--format json`: the whole result as one JSON document, for scripts.

Schema version 1. Keys are always present and always in this order; new keys
may be added in a later release, and a change to the meaning or type of an
existing key bumps `schema_version`.

    {
      "tool": "readylint",
      "version": "0.1.0",               # readylint's version
      "schema_version": 1,
      "root": "/abs/path/of/the/scanned/root",
      "findings": [                      # sorted by path, line, column, code
        {
          "code": "RL101",
          "name": "outbound-call-without-timeout",
          "severity": "error",           # "error" | "warning" | "info"
          "path": "app/client.py",       # posix, relative to root (absolute when outside it)
          "line": 12, "column": 5,       # 1-based; columns count characters
          "end_line": 12, "end_column": 22,   # end column is exclusive
          "message": "requests.get(...) has no timeout",
          "fingerprint": "…",            # stable across unrelated edits; "" if unknown
          "source_line": "resp = requests.get(url)",  # secrets masked
          "fix": null | {
            "applicability": "safe" | "unsafe",
            "description": "…",
            "edits": [                   # end exclusive, positions as above
              {"start": {"line": 12, "column": 22}, "end": {"line": 12, "column": 22},
               "content": ", timeout=10"}
            ]
          }
        }
      ],
      "problems": [                      # files not analysed, or only in part
        {"path": "…", "kind": "error" | "partial" | "skipped", "reason": "…"}
      ],
      "internal_errors": [               # readylint crashed on these: exit code 2
        {"path": "…", "kind": "error", "reason": "…"}
      ],
      "summary": {
        "files_checked": 120,
        "findings": 3,
        "by_rule": {"RL101": 3},         # by code
        "by_severity": {"error": 2, "warning": 1, "info": 0},
        "exit_code": 1,                  # the exit code of the run
        "baselined": 0                   # findings hidden by the baseline
      },
      "fixed": [                         # with --show-fixed: baseline entries no longer found
        {"code": "RL101", "path": "…", "count": 1, "message": "…"}
      ]
    }

Secret values a finding is about are never written; messages and source lines
carry them masked.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from readylint import __version__
from readylint.diagnostics import Edit, FileProblem, Finding, Fix, RunResult
from readylint.report import summarize

SCHEMA_VERSION = 1


def render(result: RunResult, stream: TextIO) -> None:
    stream.write(json.dumps(to_document(result), indent=2) + "\n")


def to_document(result: RunResult) -> dict[str, Any]:
    summary = summarize(result)
    return {
        "tool": "readylint",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "root": str(result.root.resolve()),
        "findings": [_finding(finding) for finding in result.findings],
        "problems": [_problem(problem) for problem in result.problems],
        "internal_errors": [_problem(error) for error in result.internal_errors],
        "summary": {
            "files_checked": summary.files_checked,
            "findings": summary.findings,
            "by_rule": summary.by_rule,
            "by_severity": {severity.value: count for severity, count in summary.by_severity.items()},
            "exit_code": summary.exit_code,
            "baselined": summary.baselined,
        },
        "fixed": [
            {"code": e.code, "path": e.path, "count": e.count, "message": e.message}
            for e in result.fixed_baseline_entries
        ],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    # Field by field rather than dataclasses.asdict: `fingerprint_key` and
    # the secret's hash stay inside the process.
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "source_line": finding.source_line,
        "fix": _fix(finding.fix) if finding.fix else None,
    }


def _fix(fix: Fix) -> dict[str, Any]:
    return {
        "applicability": fix.applicability.value,
        "description": fix.description,
        "edits": [_edit(edit) for edit in fix.edits],
    }


def _edit(edit: Edit) -> dict[str, Any]:
    return {
        "start": {"line": edit.start.line, "column": edit.start.column},
        "end": {"line": edit.end.line, "column": edit.end.column},
        "content": edit.content,
    }


def _problem(problem: FileProblem) -> dict[str, str]:
    return {"path": problem.path, "kind": problem.kind.value, "reason": problem.reason}
