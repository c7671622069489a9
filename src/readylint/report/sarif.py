"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning, the VS Code SARIF
viewer and any other tool that reads the OASIS standard.

One run per invocation. `tool.driver.rules` lists every rule in the catalog,
whether or not it found anything, so that viewers can show the docs of every
rule and GitHub can close alerts of rules that stopped firing. Locations are
relative to the scanned root and name it through the `ROOT` base id; files the
run could not analyse are reported as tool execution notifications.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from readylint import __version__
from readylint.catalog import Catalog, RuleSpec
from readylint.diagnostics import Edit, FileProblem, Finding, Fix, ProblemKind, RunResult, Severity
from readylint.report.ruledocs import rule_markdown, rule_text

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/readylint/readylint"
ROOT_BASE_ID = "ROOT"
# Versioned so that a change to how fingerprints are computed can ship under
# a new key instead of silently reopening every alert.
FINGERPRINT_KEY = "readylint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
NOTIFICATION_LEVELS = {ProblemKind.ERROR: "error", ProblemKind.PARTIAL: "warning", ProblemKind.SKIPPED: "note"}

# GitHub treats rules tagged `security` that carry a `security-severity` as
# security alerts, ranked by score: 9.0 and up critical, 4.0-6.9 medium,
# below 4.0 low.
SECRETS_FAMILY = "secrets"
SECURITY_SEVERITY = {Severity.ERROR: "9.0", Severity.WARNING: "6.0", Severity.INFO: "3.0"}


def render(result: RunResult, catalog: Catalog, stream: TextIO) -> None:
    stream.write(json.dumps(to_log(result, catalog), indent=2) + "\n")


def to_log(result: RunResult, catalog: Catalog) -> dict[str, Any]:
    rules = list(catalog)
    rule_indexes = {rule.code: index for index, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "readylint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [_invocation(result)],
        "originalUriBaseIds": {ROOT_BASE_ID: {"uri": directory_uri(result.root)}},
        "results": [_result(finding, rule_indexes) for finding in result.findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def directory_uri(directory: Path) -> str:
    """Absolute `file://` URI of a directory; SARIF requires the trailing slash on base ids."""
    uri = directory.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(path: str) -> dict[str, str]:
    """Where a file is: relative to `ROOT`, or an absolute URI when it lies outside the root."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": ROOT_BASE_ID}


def rule_descriptor_name(rule: RuleSpec) -> str:
    """`OutboundCallWithoutTimeout`: SARIF asks for a readable identifier, and
    Microsoft's SARIF validator (rule SARIF2012) wants it in PascalCase. The
    kebab-case name that users type stays in the help text."""
    return "".join(word.capitalize() for word in rule.name.split("-"))


def _rule(rule: RuleSpec) -> dict[str, Any]:
    is_secrets_rule = rule.family == SECRETS_FAMILY
    extra_tags = (rule.family, "security") if is_secrets_rule else (rule.family,)
    properties: dict[str, Any] = {"tags": list(dict.fromkeys((*rule.tags, *extra_tags)))}
    if is_secrets_rule:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.code,
        "name": rule_descriptor_name(rule),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _result(finding: Finding, rule_indexes: dict[str, int]) -> dict[str, Any]:
    location = artifact_location(finding.path)
    sarif_result: dict[str, Any] = {"ruleId": finding.code}
    # A code the catalog does not know gets no index rather than a wrong one.
    if finding.code in rule_indexes:
        sarif_result["ruleIndex"] = rule_indexes[finding.code]
    sarif_result["level"] = LEVELS[finding.severity]
    sarif_result["message"] = {"text": finding.message}
    sarif_result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": location,
                "region": _region(finding.line, finding.column, finding.end_line, finding.end_column),
            }
        }
    ]
    if finding.fingerprint:
        sarif_result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.fix:
        sarif_result["fixes"] = [_fix(finding.fix, location)]
    return sarif_result


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    """A region the schema accepts: 1-based, end column exclusive, end not before start."""
    start_line, start_column = max(line, 1), max(column, 1)
    end_line = max(end_line, start_line)
    end_column = max(end_column, start_column if end_line == start_line else 1)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _fix(fix: Fix, location: dict[str, str]) -> dict[str, Any]:
    sarif_fix: dict[str, Any] = {}
    if fix.description:
        sarif_fix["description"] = {"text": fix.description}
    sarif_fix["artifactChanges"] = [
        {"artifactLocation": location, "replacements": [_replacement(edit) for edit in fix.edits]}
    ]
    return sarif_fix


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(edit.start.line, edit.start.column, edit.end.line, edit.end.column),
        "insertedContent": {"text": edit.content},
    }


def _invocation(result: RunResult) -> dict[str, Any]:
    notifications = [
        _notification(problem, NOTIFICATION_LEVELS.get(problem.kind, "error"), problem.reason)
        for problem in result.problems
    ]
    notifications += [
        _notification(error, "error", f"internal error: {error.reason}") for error in result.internal_errors
    ]
    return {
        "executionSuccessful": not result.internal_errors,
        "exitCode": result.exit_code,
        "toolExecutionNotifications": notifications,
    }


def _notification(problem: FileProblem, level: str, text: str) -> dict[str, Any]:
    return {
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(problem.path)}}],
    }
