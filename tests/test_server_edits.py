"""The edits the language server offers, without a client: ignore comments."""

from __future__ import annotations

import pytest

from readylint.server import ignore_edit, python_string_lines


@pytest.mark.parametrize(("path", "line", "expected"), [
    ("app.py", "    return requests.get(url)", "    return requests.get(url)  # readylint: ignore[RL101]"),
    ("001.up.sql", "CREATE TABLE t (id int);", "CREATE TABLE t (id int);  -- readylint: ignore[RL101]"),
    ("api.ts", "await fetch(url);", "await fetch(url);  // readylint: ignore[RL101]"),
    ("app.py", "x = get(url)  # readylint: ignore[RL201]", "x = get(url)  # readylint: ignore[RL201, RL101]"),
    ("config.json", '{"url": "x"}', None),
])
def test_ignore_comments_use_the_files_comment_syntax(path, line, expected):
    edit = ignore_edit(path, [line], 1, "RL101")
    if expected is None:
        assert edit is None
        return
    assert edit.start == edit.end
    assert line[:edit.start.column - 1] + edit.content + line[edit.start.column - 1:] == expected


def test_lines_that_end_inside_a_string_get_no_comment():
    text = 'KEY = """\nsecret\n"""\nx = 1\n'
    assert python_string_lines(text) == {1, 2}
