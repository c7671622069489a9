"""Reporters: what each output format shows, escapes and never leaks."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from readylint import __version__
from readylint.catalog import Catalog, OptionSpec, RuleSpec
from readylint.diagnostics import (
    Applicability,
    Edit,
    FileProblem,
    Finding,
    Fix,
    Position,
    RunResult,
    Severity,
    mask_secret,
)
from conftest import SARIF_SCHEMA
from readylint.report import FORMATS, render
from readylint.report.ruledocs import rule_markdown, rule_text

ANSI_ESCAPE = "\x1b["
SECRET = "sk_live_abcdefghijklmnop"


def make_rule(code: str, name: str, **overrides) -> RuleSpec:
    fields = {
        "code": code,
        "name": name,
        "severity": Severity.ERROR,
        "summary": f"Summary of {name}.",
        "why": f"Why {name} hurts in production.",
        "example": "requests.get(url)\n",
        "use_instead": "requests.get(url, timeout=10)\n",
        "example_path": "example.py",
        "options": {},
        "catalog": {},
        "fix": None,
        "suppression_markers": (),
        "tags": (),
    }
    return RuleSpec(**{**fields, **overrides})


CATALOG = Catalog(
    [
        make_rule("RL101", "outbound-call-without-timeout", fix=Applicability.UNSAFE, tags=("reliability",)),
        make_rule(
            "RL201",
            "write-outside-transaction",
            severity=Severity.WARNING,
            example="UPDATE accounts SET balance = 0;\n",
            use_instead="BEGIN; UPDATE accounts SET balance = 0; COMMIT;\n",
            example_path="migration.sql",
        ),
        make_rule(
            "RL501",
            "hardcoded-secret",
            example={"settings.py": "KEY = 'x'\n", "deploy/app.env": "KEY=x\n"},
            options={"min_entropy": OptionSpec("min_entropy", 3.5, "Ignore strings more regular than this.")},
        ),
        make_rule("RL601", "debug-enabled", severity=Severity.INFO),
    ]
)


def make_finding(**overrides) -> Finding:
    fields = {
        "code": "RL101",
        "name": "outbound-call-without-timeout",
        "severity": Severity.ERROR,
        "path": "app/client.py",
        "line": 3,
        "column": 8,
        "end_line": 3,
        "end_column": 25,
        "message": "requests.get(...) has no timeout",
        "source_line": "resp = requests.get(url)",
        "fingerprint": "fp-101",
    }
    return Finding(**{**fields, **overrides})


def warning_finding(**overrides) -> Finding:
    """An RL201 finding: a warning, from another rule than make_finding's."""
    fields = {"code": "RL201", "name": "write-outside-transaction", "severity": Severity.WARNING}
    return make_finding(**{**fields, **overrides})


def make_result(findings=(), problems=(), internal_errors=(), root: Path = Path("/srv/project")) -> RunResult:
    return RunResult(
        root=root,
        findings=list(findings),
        problems=list(problems),
        files_checked=120,
        internal_errors=list(internal_errors),
    )


def rendered(fmt: str, result: RunResult, **options) -> str:
    stream = io.StringIO()
    render(fmt, result, CATALOG, stream, **options)
    return stream.getvalue()


class TtyStream(io.StringIO):
    def isatty(self) -> bool:
        return True


TIMEOUT_FIX = Fix(
    Applicability.UNSAFE,
    (Edit(Position(3, 24), Position(3, 24), ", timeout=10"),),
    "Add timeout=10",
)
SECRET_FINDING = make_finding(
    code="RL501",
    name="hardcoded-secret",
    path="settings.py",
    line=1,
    column=7,
    end_line=1,
    end_column=33,
    message=f"hard-coded Stripe key {mask_secret(SECRET)}",
    source_line=f"KEY = '{mask_secret(SECRET)}'",
    fingerprint="fp-501",
    fingerprint_key="sha256-of-the-secret",
    secret=SECRET,
)


# -- text ---------------------------------------------------------------------


def test_text_shows_location_source_line_and_caret_under_the_span():
    output = rendered("text", make_result([make_finding(fix=TIMEOUT_FIX)]))

    lines = output.splitlines()
    assert lines[0] == "app/client.py:3:8 RL101 requests.get(...) has no timeout"
    assert lines[1] == "  3 | resp = requests.get(url)"
    assert lines[2] == "    |        ^^^^^^^^^^^^^^^^^"
    assert lines[3] == "    = fix available (unsafe: run with --fix --unsafe-fixes)"


def test_text_fix_hint_for_safe_fix_and_none_without_fix():
    safe = make_finding(fix=replace(TIMEOUT_FIX, applicability=Applicability.SAFE))
    unfixable = make_finding(path="app/other.py")

    output = rendered("text", make_result([safe, unfixable]))

    assert output.count("fix available") == 1
    assert "fix available (safe: run with --fix)" in output


def test_text_caret_of_a_multiline_finding_runs_to_the_end_of_its_first_line():
    finding = make_finding(column=8, end_line=5, end_column=2, source_line="resp = requests.get(")

    caret_line = rendered("text", make_result([finding])).splitlines()[2]

    assert caret_line == "    |        " + "^" * len("requests.get(")


def test_text_caret_stays_aligned_after_tabs_and_wide_characters():
    name = make_finding(column=2, end_column=4, source_line="\t名前 = f(x)")
    call = replace(name, column=7, end_column=11)

    output = rendered("text", make_result([name, call])).splitlines()

    # The tab prints as four spaces, each CJK character takes two cells.
    assert output[1] == "  3 |     名前 = f(x)"
    assert output[2] == "    |     ^^^^"
    assert output[6] == "    |            ^^^^"


def test_text_escapes_control_characters_from_the_linted_file():
    finding = make_finding(source_line="x = 1  # \x1b[2J\x07", message="bad\nthing")

    output = rendered("text", make_result([finding]))

    assert "\x1b" not in output and "\x07" not in output
    assert "\\x1b[2J\\x07" in output
    assert "bad\\x0athing" in output.splitlines()[0]


def test_text_summary_counts_findings_by_severity_and_files():
    findings = [
        make_finding(),
        make_finding(line=9),
        warning_finding(path="db.py"),
    ]

    assert rendered("text", make_result(findings)).splitlines()[-1] == (
        "Found 3 findings (2 errors, 1 warning) in 2 files; 120 files checked."
    )
    assert rendered("text", make_result()).splitlines()[-1] == "No findings; 120 files checked."


def test_text_statistics_lists_rules_by_count_descending():
    findings = [
        make_finding(),
        warning_finding(path="db.py"),
        warning_finding(path="db2.py"),
    ]

    output = rendered("text", make_result(findings), statistics=True)

    rows = [line.split() for line in output.splitlines() if re.match(r"\s*\d+\s+RL\d{3}\s", line)]
    assert rows == [
        ["2", "RL201", "write-outside-transaction", "warning"],
        ["1", "RL101", "outbound-call-without-timeout", "error"],
    ]
    assert "RL201" not in rendered("text", make_result(findings[:1]), statistics=True)


def test_text_has_no_ansi_escapes_for_a_plain_stream():
    output = rendered("text", make_result([make_finding(fix=TIMEOUT_FIX)]))

    assert ANSI_ESCAPE not in output


def test_text_colours_a_terminal_unless_no_color_is_set(monkeypatch):
    result = make_result([make_finding()])
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = TtyStream()
    render("text", result, CATALOG, terminal)
    assert ANSI_ESCAPE in terminal.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    terminal = TtyStream()
    render("text", result, CATALOG, terminal)
    assert ANSI_ESCAPE not in terminal.getvalue()


@pytest.mark.parametrize("color", [False, True])
def test_text_prints_markup_in_user_content_literally(color):
    finding = make_finding(
        message="[red]x[/red] is :warning: bad", source_line="s = '[bold]x[/bold]'", column=1
    )

    output = rendered("text", make_result([finding]), color=color)

    assert "[red]x[/red] is :warning: bad" in output
    assert "s = '[bold]x[/bold]'" in output


def test_text_quiet_prints_only_the_finding_lines():
    findings = [make_finding(fix=TIMEOUT_FIX), make_finding(path="app/z.py", line=7)]
    problems = [FileProblem("broken.py", "cannot read: permission denied")]

    output = rendered("text", make_result(findings, problems), quiet=True, statistics=True)

    assert output.splitlines() == [
        "app/client.py:3:8 RL101 requests.get(...) has no timeout",
        "app/z.py:7:8 RL101 requests.get(...) has no timeout",
    ]


def test_text_lists_unreadable_and_partial_files_and_groups_skipped_ones():
    problems = [
        FileProblem("broken.py", "cannot read: permission denied", "error"),
        FileProblem("huge.sql", "RL401 not run: statement too large", "partial"),
        *(FileProblem(f"img{i}.png", "binary", "skipped") for i in range(6)),
        FileProblem("dump.sql", "larger than 1 MB", "skipped"),
    ]

    output = rendered("text", make_result(problems=problems))

    assert "  broken.py: cannot read: permission denied" in output
    assert "  huge.sql: RL401 not run: statement too large" in output
    assert "Skipped 6 files (binary)\n" in output
    assert "img0.png" not in output
    assert "Skipped 1 file (larger than 1 MB): dump.sql" in output


def test_text_reports_internal_errors_and_exit_code_two_even_when_quiet():
    errors = [FileProblem("app/weird.py", "RL101 crashed: KeyError 'func'")]

    for quiet in (False, True):
        output = rendered("text", make_result(internal_errors=errors), quiet=quiet)
        assert "internal error" in output and "exit code is 2" in output
        assert "  app/weird.py: RL101 crashed: KeyError 'func'" in output


# -- json ---------------------------------------------------------------------


def test_json_has_the_documented_shape():
    findings = [make_finding(fix=TIMEOUT_FIX), warning_finding(path="db.py")]
    problems = [FileProblem("a.png", "binary", "skipped")]
    errors = [FileProblem("b.py", "crash")]

    document = json.loads(rendered("json", make_result(findings, problems, errors)))

    assert list(document) == [
        "tool", "version", "schema_version", "root", "findings", "problems", "internal_errors", "summary", "fixed",
    ]
    assert document["tool"] == "readylint"
    assert document["version"] == __version__
    assert document["schema_version"] == 1
    assert document["root"] == str(Path("/srv/project").resolve())
    first = document["findings"][0]
    assert list(first) == [
        "code", "name", "severity", "path", "line", "column", "end_line", "end_column",
        "message", "fingerprint", "source_line", "fix",
    ]
    assert first["fix"] == {
        "applicability": "unsafe",
        "description": "Add timeout=10",
        "edits": [
            {"start": {"line": 3, "column": 24}, "end": {"line": 3, "column": 24}, "content": ", timeout=10"}
        ],
    }
    assert document["findings"][1]["fix"] is None
    assert document["problems"] == [{"path": "a.png", "kind": "skipped", "reason": "binary"}]
    assert document["internal_errors"] == [{"path": "b.py", "kind": "error", "reason": "crash"}]
    assert document["summary"] == {
        "files_checked": 120,
        "findings": 2,
        "by_rule": {"RL101": 1, "RL201": 1},
        "by_severity": {"error": 1, "warning": 1, "info": 0},
        "exit_code": 2,
        "baselined": 0,
    }
    assert document["fixed"] == []


def test_json_is_deterministic_indented_and_ends_with_a_newline():
    result = make_result([make_finding(fix=TIMEOUT_FIX)])

    output = rendered("json", result)

    assert output == rendered("json", result)
    assert output.startswith('{\n  "tool": "readylint",') and output.endswith("}\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_writes_the_secret_or_its_fingerprint_key(fmt):
    output = rendered(fmt, make_result([SECRET_FINDING]), statistics=True)

    assert SECRET not in output
    assert "sha256-of-the-secret" not in output
    assert f"[{len(SECRET)} chars]" in output  # the finding itself is reported, masked


# -- sarif --------------------------------------------------------------------


def sarif_log(result: RunResult) -> dict:
    return json.loads(rendered("sarif", result))


def full_result(root: Path) -> RunResult:
    """A result with every kind of content a SARIF log can carry."""
    findings = [
        make_finding(fix=TIMEOUT_FIX),
        make_finding(path="app/my client.py", line=1, column=1, end_line=4, end_column=1, fingerprint=""),
        warning_finding(path="db.sql"),
        make_finding(code="RL601", name="debug-enabled", severity=Severity.INFO, path="/etc/app/settings.py"),
        SECRET_FINDING,
    ]
    problems = [
        FileProblem("broken.py", "cannot read: permission denied", "error"),
        FileProblem("huge.sql", "RL401 not run", "partial"),
        FileProblem("logo.png", "binary", "skipped"),
    ]
    return make_result(findings, problems, [FileProblem("app/weird.py", "RL101 crashed")], root=root)


def test_sarif_validates_against_the_official_schema(tmp_path):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)

    errors = sorted(validator_class(schema).iter_errors(sarif_log(full_result(tmp_path))), key=str)

    assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


def test_sarif_schema_validation_catches_a_broken_log(tmp_path):
    """Guards the test above: the schema must actually be enforced."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = sarif_log(full_result(tmp_path))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0

    assert not jsonschema.validators.validator_for(schema)(schema).is_valid(log)


def test_sarif_header_and_driver(tmp_path):
    log = sarif_log(make_result(root=tmp_path))

    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "readylint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"] == "https://github.com/readylint/readylint"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["results"] == []


def test_sarif_lists_every_catalog_rule_with_its_docs(tmp_path):
    rules = sarif_log(make_result(root=tmp_path))["runs"][0]["tool"]["driver"]["rules"]

    assert [rule["id"] for rule in rules] == ["RL101", "RL201", "RL501", "RL601"]
    timeout = rules[0]
    assert timeout["name"] == "OutboundCallWithoutTimeout"
    assert timeout["shortDescription"]["text"] == "Summary of outbound-call-without-timeout."
    assert timeout["fullDescription"]["text"] == "Why outbound-call-without-timeout hurts in production."
    assert "```python\nrequests.get(url)\n```" in timeout["help"]["markdown"]
    assert "requests.get(url, timeout=10)" in timeout["help"]["text"]
    assert [rule["defaultConfiguration"]["level"] for rule in rules] == ["error", "warning", "error", "note"]
    assert timeout["properties"]["tags"] == ["reliability", "outbound-calls"]


def test_sarif_gives_only_secrets_rules_a_security_severity(tmp_path):
    driver = sarif_log(make_result(root=tmp_path))["runs"][0]["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}

    assert rules["RL501"]["properties"]["security-severity"] == "9.0"
    assert "security" in rules["RL501"]["properties"]["tags"]
    assert all("security-severity" not in rules[code]["properties"] for code in ("RL101", "RL201", "RL601"))


def test_sarif_results_point_at_their_rule_and_location(tmp_path):
    run = sarif_log(full_result(tmp_path))["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]

    for sarif_result in run["results"]:
        assert rule_ids[sarif_result["ruleIndex"]] == sarif_result["ruleId"]
    first = run["results"][0]
    assert first["level"] == "error"
    assert first["message"]["text"] == "requests.get(...) has no timeout"
    assert first["partialFingerprints"] == {"readylint/v1": "fp-101"}
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/client.py", "uriBaseId": "ROOT"}
    assert location["region"] == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 25}
    assert [r["level"] for r in run["results"]] == ["error", "error", "warning", "note", "error"]
    assert "partialFingerprints" not in run["results"][1]


def test_sarif_root_is_an_absolute_directory_uri(tmp_path):
    base = sarif_log(make_result(root=tmp_path))["runs"][0]["originalUriBaseIds"]["ROOT"]["uri"]

    assert base == tmp_path.resolve().as_uri() + "/"


def test_sarif_percent_encodes_paths_and_uses_file_uris_outside_the_root(tmp_path):
    results = sarif_log(full_result(tmp_path))["runs"][0]["results"]
    locations = [result["locations"][0]["physicalLocation"]["artifactLocation"] for result in results]

    assert locations[1] == {"uri": "app/my%20client.py", "uriBaseId": "ROOT"}
    assert unquote(locations[1]["uri"]) == "app/my client.py"
    assert locations[3] == {"uri": "file:///etc/app/settings.py"}


def test_sarif_fix_replaces_the_edited_region(tmp_path):
    fixes = sarif_log(full_result(tmp_path))["runs"][0]["results"][0]["fixes"]

    assert fixes == [
        {
            "description": {"text": "Add timeout=10"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "app/client.py", "uriBaseId": "ROOT"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3, "startColumn": 24, "endLine": 3, "endColumn": 24,
                            },
                            "insertedContent": {"text": ", timeout=10"},
                        }
                    ],
                }
            ],
        }
    ]


def test_sarif_reports_unanalysed_files_and_internal_errors_as_notifications(tmp_path):
    invocation = sarif_log(full_result(tmp_path))["runs"][0]["invocations"][0]

    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    notifications = [
        (
            notification["level"],
            notification["message"]["text"],
            notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        )
        for notification in invocation["toolExecutionNotifications"]
    ]
    assert notifications == [
        ("error", "cannot read: permission denied", "broken.py"),
        ("warning", "RL401 not run", "huge.sql"),
        ("note", "binary", "logo.png"),
        ("error", "internal error: RL101 crashed", "app/weird.py"),
    ]
    assert sarif_log(make_result(root=tmp_path))["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_region_never_ends_before_it_starts(tmp_path):
    finding = make_finding(column=8, end_column=3)

    sarif_result = sarif_log(make_result([finding], root=tmp_path))["runs"][0]["results"][0]
    region = sarif_result["locations"][0]["physicalLocation"]["region"]

    assert (region["startColumn"], region["endColumn"]) == (8, 8)


# -- github -------------------------------------------------------------------


def test_github_writes_one_annotation_per_finding_by_severity():
    findings = [
        make_finding(),
        warning_finding(end_line=5),
        make_finding(code="RL601", name="debug-enabled", severity=Severity.INFO),
    ]

    lines = rendered("github", make_result(findings)).splitlines()

    assert lines[0] == (
        "::error file=app/client.py,line=3,col=8,endLine=3,endColumn=25,"
        "title=RL101 (outbound-call-without-timeout)::requests.get(...) has no timeout"
    )
    # Columns only make sense to GitHub on a single line.
    assert lines[1] == (
        "::warning file=app/client.py,line=3,endLine=5,"
        "title=RL201 (write-outside-transaction)::requests.get(...) has no timeout"
    )
    assert lines[2].startswith("::notice file=app/client.py,")
    assert lines[-1] == "Found 3 findings (1 error, 1 warning, 1 info) in 1 file; 120 files checked."


def test_github_escapes_messages_and_property_values():
    finding = make_finding(path="src/a,b:c%.py", message="100% sure:\r\nno timeout, at all")

    line = rendered("github", make_result([finding])).splitlines()[0]

    assert line.startswith("::error file=src/a%2Cb%3Ac%25.py,line=3,")
    assert line.endswith("::100%25 sure:%0D%0Ano timeout, at all")


def test_github_reports_files_that_could_not_be_analysed():
    problems = [
        FileProblem("bad,file.py", "cannot read: denied", "error"),
        FileProblem("logo.png", "binary", "skipped"),
    ]

    lines = rendered("github", make_result(problems=problems)).splitlines()

    assert lines == [
        "::error file=bad%2Cfile.py::could not analyse: cannot read: denied",
        "No findings; 120 files checked.",
    ]


# -- rule docs and dispatch ---------------------------------------------------


def test_rule_markdown_fences_examples_in_their_language():
    markdown = rule_markdown(CATALOG.get("RL201"))

    assert markdown.startswith("# RL201: write-outside-transaction\n\nSummary of write-outside-transaction.")
    assert "## Example\n\n```sql\nUPDATE accounts SET balance = 0;\n```" in markdown
    assert "## Use instead\n\n```sql\nBEGIN;" in markdown


def test_rule_docs_name_each_file_of_a_project_example():
    rule = CATALOG.get("RL501")

    markdown, text = rule_markdown(rule), rule_text(rule)

    assert "`settings.py`:\n\n```python\nKEY = 'x'\n```" in markdown
    assert "`deploy/app.env`:\n\n```\nKEY=x\n```" in markdown
    assert "    settings.py:\n        KEY = 'x'" in text
    assert "    deploy/app.env:\n        KEY=x" in text


def test_rule_docs_list_options_with_their_defaults():
    rule = CATALOG.get("RL501")

    description = "Ignore strings more regular than this."
    assert f"## Options\n\n- `min_entropy` (default: `3.5`): {description}" in rule_markdown(rule)
    assert f"Options:\n    min_entropy (default: 3.5): {description}" in rule_text(rule)
    assert "Options" not in rule_markdown(CATALOG.get("RL101"))


def test_rule_markdown_fence_outlasts_backticks_in_the_example():
    rule = make_rule("RL102", "retry-without-backoff", example='doc = """```python\nx\n```"""\n')

    markdown = rule_markdown(rule)

    assert '````python\ndoc = """```python\nx\n```"""\n````' in markdown


def test_rule_text_carries_summary_why_and_examples():
    text = rule_text(CATALOG.get("RL101"))

    assert text.startswith(
        "RL101 outbound-call-without-timeout (error)\n\nSummary of outbound-call-without-timeout."
    )
    assert "Fix: unsafe (run with --fix --unsafe-fixes)." in text
    assert "Why it matters:\n    Why outbound-call-without-timeout hurts in production." in text
    assert "Example:\n    requests.get(url)\n" in text
    assert "Use instead:\n    requests.get(url, timeout=10)\n" in text


def test_render_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", make_result(), CATALOG, io.StringIO())
