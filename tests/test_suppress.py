from __future__ import annotations

from readylint.diagnostics import Finding, Severity
from readylint.sources import SourceFile
from readylint.suppress import parse_suppressions


def finding(code: str, line: int) -> Finding:
    return Finding(code, "n", Severity.ERROR, "a.py", line, 1, line, 1, "m")


def test_line_directive_by_code_and_name(catalog):
    source = SourceFile("a.py", "x = 1  # readylint: ignore[RL001]\ny = 2  # readylint: ignore[parse-error, RL002]\nz = 3\n")
    found = parse_suppressions(source, catalog)
    assert found.covers(finding("RL001", 1))
    assert not found.covers(finding("RL002", 1))
    assert found.covers(finding("RL001", 2)) and found.covers(finding("RL002", 2))
    assert not found.covers(finding("RL001", 3))
    assert found.bare_lines == [] and found.unknown == []


def test_file_directive_anywhere(catalog):
    source = SourceFile("a.py", "x = 1\n\n# readylint: ignore-file[RL002]\n")
    found = parse_suppressions(source, catalog)
    assert found.covers(finding("RL002", 1))
    assert not found.covers(finding("RL001", 1))


def test_bare_ignore_covers_everything_on_its_line_and_is_recorded(catalog):
    found = parse_suppressions(SourceFile("a.py", "x = 1  # readylint: ignore\n"), catalog)
    assert found.covers(finding("RL001", 1)) and found.covers(finding("RL002", 1))
    assert found.bare_lines == [1]


def test_unknown_codes_are_recorded_and_silence_nothing(catalog):
    found = parse_suppressions(SourceFile("a.py", "x = 1  # readylint: ignore[RL999]\n"), catalog)
    assert not found.covers(finding("RL001", 1))
    assert found.unknown == [(1, "RL999")]


def test_statement_first_line_covers_continuation_lines(catalog):
    text = "result = call(  # readylint: ignore[RL001]\n    argument,\n    other,\n)\nnext_line = 1\n"
    found = parse_suppressions(SourceFile("a.py", text), catalog)
    assert found.covers(finding("RL001", 3))
    assert not found.covers(finding("RL001", 5))


def test_compound_statement_header_does_not_cover_its_body(catalog):
    text = "with open(  # readylint: ignore[RL001]\n    path,\n) as handle:\n    data = 1\n"
    found = parse_suppressions(SourceFile("a.py", text), catalog)
    assert found.covers(finding("RL001", 2))
    assert not found.covers(finding("RL001", 4))


def test_sql_and_other_comment_styles(catalog):
    sql = SourceFile("m.sql", "CREATE TABLE t (id int); -- readylint: ignore[RL001]\n")
    assert parse_suppressions(sql, catalog).covers(finding("RL001", 1))
    env = SourceFile(".env", "KEY=value # readylint: ignore[RL002]\n")
    assert parse_suppressions(env, catalog).covers(finding("RL002", 1))


def test_other_scanners_markers_map_to_rules(catalog):
    rule = catalog.by_code["RL001"]
    rule.suppression_markers = ("pragma: allowlist secret",)
    try:
        found = parse_suppressions(SourceFile("a.py", "k = 'x'  # pragma: allowlist secret\n"), catalog)
        assert found.covers(finding("RL001", 1))
        assert not found.covers(finding("RL002", 1))
    finally:
        rule.suppression_markers = ()
