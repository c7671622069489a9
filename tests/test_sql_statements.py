"""Splitting SQL into statements with the dialect's tokenizer."""

from __future__ import annotations

from readylint.sources import LineCounter
from readylint.sql.statements import has_effect, split_statements


def test_dollar_quoted_bodies_and_strings_keep_their_semicolons():
    sql = (
        "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.x = 'a;b';\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n"
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (id int);\n"
    )
    statements = split_statements(sql)
    assert [s.keywords[:2] for s in statements] == [("CREATE", "FUNCTION"), ("CREATE", "TABLE")]
    assert [s.line for s in statements] == [1, 8]
    assert statements[1].text == "CREATE TABLE t (id int)"


def test_lines_are_counted_from_the_section_start():
    statements = split_statements("\n\nDROP TABLE a;\nDROP TABLE b", first_line=10)
    assert [(s.line, s.text) for s in statements] == [(12, "DROP TABLE a"), (13, "DROP TABLE b")]


def test_line_counter_counts_each_offset_from_the_last():
    text = "a\nb\n\nc\nd"
    lines = LineCounter(text, first_line=10)
    assert [lines.line_at(text.index(char)) for char in "abcd"] == [10, 11, 13, 14]
    assert lines.line_at(text.index("b")) == 11  # back again
    assert lines.line_at(len(text)) == 14


def test_untokenizable_text_still_splits():
    statements = split_statements("DROP TABLE a;\n\nDROP TABLE b;\nSELECT 'unterminated;\n")
    assert [(s.keywords[0], s.line) for s in statements] == [("DROP", 1), ("DROP", 3), ("SELECT", 4)]


def test_has_effect_ignores_comments_and_transaction_frames():
    assert not has_effect("")
    assert not has_effect("-- nothing\n/* at all; */\n")
    assert not has_effect("BEGIN;\n-- XXX Add DDLs here.\nCOMMIT;\n")
    assert has_effect("BEGIN;\nDROP TABLE a;\nCOMMIT;\n")


def test_sql_statement_starts_map_continuation_lines_for_suppressions():
    from readylint.sources import SourceFile

    file = SourceFile("a.sql", "SELECT 1;\nCREATE TABLE t (\n  a int\n);\n")
    assert file.statement_starts == {3: 2, 4: 2}
