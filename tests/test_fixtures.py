"""Every fixture, checked exactly.

`fixtures/RLxxx/` holds cases: a file (one-file case) or a directory (a tiny
project, for project rules). A line ending in `# expect: RL101` (`-- expect:`
in SQL, `// expect:` in JS) must be flagged by that rule; every other line
must stay clean for every rule. `name.fixed.py` beside a case is the expected
result of `--fix` and is not itself a case.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, lint

EXPECT_RE = re.compile(r"(?:#|--|//|/\*|<!--)\s*expect:\s*(RL\d{3}(?:\s*,\s*RL\d{3})*)")


def fixture_cases() -> list[Path]:
    return sorted(
        case
        for rule_dir in FIXTURES.iterdir() if rule_dir.is_dir()
        for case in rule_dir.iterdir()
        if ".fixed." not in case.name and not case.name.startswith(".")
    )


def case_files(case: Path) -> list[Path]:
    if case.is_file():
        return [case]
    return sorted(p for p in case.rglob("*") if p.is_file() and ".fixed." not in p.name)


def expected_findings(case: Path) -> set[tuple[str, int, str]]:
    base = case.parent if case.is_file() else case
    expected = set()
    for path in case_files(case):
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXPECT_RE.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    expected.add((path.relative_to(base).as_posix(), number, code))
    return expected


def actual_findings(case: Path, workspace: Path) -> set[tuple[str, int, str]]:
    """Lint a copy of the case, alone in a directory: no other fixture, and not
    the repository around it, can be its context."""
    if case.is_file():
        shutil.copy2(case, workspace / case.name)
    else:
        shutil.copytree(case, workspace, dirs_exist_ok=True)
    result = lint([workspace], cwd=workspace)
    assert not result.internal_errors, result.internal_errors
    return {
        ((result.root / f.path).resolve().relative_to(workspace.resolve()).as_posix(), f.line, f.code)
        for f in result.findings
    }


@pytest.mark.parametrize(
    "case",
    # The README's example projects are annotated the same way.
    fixture_cases() + sorted(EXAMPLES.iterdir()),
    ids=lambda p: p.relative_to(p.parents[1]).as_posix(),
)
def test_fixture(case: Path, tmp_path: Path) -> None:
    expected = expected_findings(case)
    actual = actual_findings(case, tmp_path)
    missed = sorted(expected - actual)
    unexpected = sorted(actual - expected)
    report = []
    if missed:
        report.append("missed (annotated but not flagged):\n" + "\n".join(f"  {p}:{l} {c}" for p, l, c in missed))
    if unexpected:
        report.append("unexpected (flagged but not annotated):\n" + "\n".join(f"  {p}:{l} {c}" for p, l, c in unexpected))
    assert not report, "\n".join(report)


def test_every_rule_has_fixtures(catalog) -> None:
    without = [rule.code for rule in catalog if not (FIXTURES / rule.code).is_dir()]
    assert not without, f"rules without fixtures: {without}"
