from __future__ import annotations

import codecs
import os
import sys
import threading
from pathlib import Path

import pytest

from readylint import checks
from readylint.catalog import Catalog, RuleSpec
from readylint.checks.base import Check, ProjectCheck
from readylint.config import Config, ConfigError
from readylint.diagnostics import Severity
from readylint.discovery import Candidate
from readylint.engine import FileAnalyzer, RunOptions, analyse_files, available_cpus, run, select_rules
from readylint.sources import SourceFile


def spec(code: str, name: str) -> RuleSpec:
    return RuleSpec(code, name, Severity.ERROR, "s", "w", "e", "u", "example.py", {}, {}, None, (), ())


class FlagLines(Check):
    """Test rule: flags every line that contains FLAG."""

    code = "RL900"

    def check(self, file: SourceFile):
        for number, line in enumerate(file.lines, start=1):
            if "FLAG" in line:
                yield self.finding(file, number, line.index("FLAG") + 1, "flagged")


class Crashes(Check):
    code = "RL901"

    def check(self, file: SourceFile):
        if "BOOM" in file.text:
            raise ZeroDivisionError("boom")
        return ()


class CountsTables(ProjectCheck):
    """Test project rule: reports every `CREATE TABLE` that no other file mentions."""

    code = "RL902"

    def collect(self, file):
        return [(n, line) for n, line in enumerate(file.lines, 1) if "table" in line.lower()]

    def wants_context(self, path):
        return path.endswith(".sql")

    def check_project(self, facts, project):
        mentions = [line for entries in facts.values() for _, line in entries]
        for path, entries in facts.items():
            for number, line in entries:
                if line.startswith("CREATE TABLE"):
                    name = line.split()[2]
                    if sum(name in other for other in mentions) == 1:
                        yield checks.base.new_finding(self.rule, path, number, 1, f"{name} unused")


@pytest.fixture
def test_rules(monkeypatch):
    """The shipped catalog plus three test rules."""
    extra = {"RL900": FlagLines, "RL901": Crashes, "RL902": CountsTables}
    monkeypatch.setattr(checks, "CHECKS", {**checks.CHECKS, **extra})
    monkeypatch.setattr("readylint.engine.CHECKS", {**checks.CHECKS, **extra})
    names = {"RL900": "flag-lines", "RL901": "crashes", "RL902": "counts-tables"}
    return Catalog([*Catalog.load(), *(spec(code, names[code]) for code in extra)])


def run_tree(tmp_path: Path, catalog: Catalog, paths=None, config: Config | None = None, **options):
    options.setdefault("jobs", 1)
    options.setdefault("no_cache", True)
    return run(config or Config(), catalog, RunOptions(paths=paths or [tmp_path], **options), cwd=tmp_path)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def codes(result):
    return [(f.path, f.line, f.code) for f in result.findings]


def test_findings_sorted_and_exit_code(tmp_path, test_rules):
    write(tmp_path / "b.py", "x = 1  # FLAG\n")
    write(tmp_path / "a.py", "FLAG = 1\ny = FLAG\n")
    result = run_tree(tmp_path, test_rules, select=["RL900"])
    assert codes(result) == [("a.py", 1, "RL900"), ("a.py", 2, "RL900"), ("b.py", 1, "RL900")]
    assert result.findings[0].source_line == "FLAG = 1"
    assert result.exit_code == 1
    assert result.files_checked == 2


def test_select_ignore_by_code_prefix_and_name(tmp_path, test_rules):
    write(tmp_path / "a.py", "FLAG = 1\n")
    assert codes(run_tree(tmp_path, test_rules, select=["flag-lines"]))
    assert not codes(run_tree(tmp_path, test_rules, ignore=["RL9"]))
    assert codes(run_tree(tmp_path, test_rules, config=Config(select=["RL9"])))
    assert not codes(run_tree(tmp_path, test_rules, config=Config(ignore=["flag-lines"])))


def test_unknown_selector_suggests(test_rules):
    with pytest.raises(ConfigError, match="unknown rule 'flag-line'.*did you mean 'flag-lines'"):
        select_rules(test_rules, Config(), RunOptions(select=["flag-line"]))


def test_rule_option_validation(tmp_path):
    rule = spec("RL900", "flag-lines")
    from readylint.catalog import OptionSpec

    rule.options = {"limit": OptionSpec("limit", 10, "")}
    catalog = Catalog([rule])
    assert select_rules(catalog, Config(rule_options={"flag-lines": {"limit": 3}}), RunOptions()).options["RL900"] == {"limit": 3}
    with pytest.raises(ConfigError, match="unknown option 'limt'.*did you mean 'limit'"):
        select_rules(catalog, Config(rule_options={"RL900": {"limt": 3}}), RunOptions())
    with pytest.raises(ConfigError, match="'limit' must be int"):
        select_rules(catalog, Config(rule_options={"RL900": {"limit": "many"}}), RunOptions())
    with pytest.raises(ConfigError, match=r"\[rules.RL999\]: unknown rule"):
        select_rules(catalog, Config(rule_options={"RL999": {}}), RunOptions())


def test_fail_on_threshold(tmp_path, test_rules):
    write(tmp_path / "a.py", "FLAG = 1\n")
    test_rules.by_code["RL900"].severity = Severity.INFO
    result = run_tree(tmp_path, test_rules, select=["RL900"])
    assert codes(result) and result.exit_code == 0
    result.fail_on = Severity.INFO
    assert result.exit_code == 1


def test_bad_input_never_stops_the_run(tmp_path, test_rules):
    write(tmp_path / "binary.py", b"\x00\x01\x02")
    write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path / "latin1.txt", "caf\xe9 FLAG\n".encode("latin-1"))
    write(tmp_path / "broken.py", "def f(:\n")
    write(tmp_path / "empty.py", "")
    write(tmp_path / "huge.sql", b"-- FLAG\n" + b"SELECT 1;\n" * 300_000)
    write(tmp_path / "ok.py", "FLAG = 1\n")
    result = run_tree(tmp_path, test_rules, config=Config(max_file_size=1024 * 1024))
    assert ("binary.py", 1, "RL001") in codes(result)
    assert ("broken.py", 1, "RL001") in codes(result)
    assert ("huge.sql", 1, "RL002") in codes(result)
    assert ("latin1.txt", 1, "RL900") in codes(result)
    assert ("ok.py", 1, "RL900") in codes(result)
    assert not any(f.path in ("image.png", "empty.py") for f in result.findings)
    problems = {p.path: p for p in result.problems}
    assert problems["image.png"].kind == "skipped"
    assert problems["huge.sql"].kind == "error" and "max-file-size" in problems["huge.sql"].reason
    assert result.exit_code == 1


@pytest.mark.parametrize(("codec", "bom"), [
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, catalog, codec, bom):
    # PowerShell's `>`, SQL Server Management Studio and regedit save files this way.
    password = "q8V2zR3mWx7Lp2Kd9TnYab"
    write(tmp_path / "client.py", bom + "import requests\n\nrequests.get(url)\n".encode(codec))
    write(tmp_path / "prod.env", bom + f"DB_HOST=db\nDB_PASSWORD={password}\n".encode(codec))
    write(tmp_path / "truncated.sql", bom + "SELECT 1;\nSELECT 2;\n".encode(codec)[:-1])
    result = run_tree(tmp_path, catalog)
    assert codes(result) == [("client.py", 3, "RL101"), ("prod.env", 2, "RL504"), ("truncated.sql", 2, "RL001")]
    assert result.findings[1].column == len("DB_PASSWORD=") + 1
    assert f"cannot decode file: invalid {codec} data" in result.findings[2].message
    # Without a mark, NUL bytes still mean binary.
    write(tmp_path / "client.py", "import requests\n".encode("utf-16-le"))
    assert ("client.py", 1, "RL001") in codes(run_tree(tmp_path, catalog))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_skipped_with_its_reason_and_never_waited_on(tmp_path, catalog):
    os.mkfifo(tmp_path / "pipe.py")
    write(tmp_path / "ok.py", "import requests\nrequests.get(url)\n")
    result = run_tree(tmp_path, catalog, paths=[tmp_path / "pipe.py", tmp_path / "ok.py"])
    assert codes(result) == [("ok.py", 2, "RL101")] and result.files_checked == 1
    assert [(p.path, p.kind, p.reason) for p in result.problems] == [
        ("pipe.py", "skipped", "a named pipe, not a regular file; not read")
    ]
    # A file that became a pipe after discovery: reading it must not wait for a writer.
    analyzer = FileAnalyzer(catalog, select_rules(catalog, Config(), RunOptions()), 1024)
    outcome: list = []
    reader = threading.Thread(
        target=lambda: outcome.append(analyzer.analyse(Candidate(tmp_path / "pipe.py", "pipe.py", True))),
        daemon=True,
    )
    reader.start()
    reader.join(timeout=10)
    assert outcome, "reading a named pipe blocked"
    assert outcome[0].findings == [] and outcome[0].problem.kind == "skipped"


def test_file_deleted_during_run_is_rl001(tmp_path, catalog):
    analyzer = FileAnalyzer(catalog, select_rules(catalog, Config(), RunOptions()), 1024)
    result = analyzer.analyse(Candidate(tmp_path / "gone.py", "gone.py", explicit=False))
    assert [(f.code, f.line) for f in result.findings] == [("RL001", 1)]
    assert "deleted during the run" in result.findings[0].message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop(tmp_path, test_rules):
    write(tmp_path / "pkg" / "a.py", "FLAG = 1\n")
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    assert codes(run_tree(tmp_path, test_rules, select=["RL900"])) == [("pkg/a.py", 1, "RL900")]


# Valid Python first accepted by each version (libcst parses all of them),
# which readylint lowers to the running interpreter's syntax and analyses ...
NEWER_SYNTAX = {
    (3, 12): "type Pair[T] = tuple[T, T]\n\n\nclass Box[T](list[T]):\n    pass\n\n\ndef first[T](xs: list[T]) -> T:\n"
             "    return xs[0]\n\n\nclass Mixin[\n    ID: int,  # the key\n    M,\n](Box[M]):\n    pass\n",
    (3, 13): "type Boxed[T = int] = list[T]\n",
    (3, 14): 'name = "x"\ngreeting = t"hello {name}"\n\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n',
}
# ... and newer syntax it does not lower (an f-string that nests its own quotes; a
# handler list over several lines), which stays partly analysed.
NOT_LOWERED = {
    (3, 12): 'prices = {"eur": 1}\nlabel = f"{prices["eur"]} EUR"\n',
    (3, 14): "try:\n    pass\nexcept (\n    ValueError\n), TypeError:\n    pass\n",
}


def newer_than_this_python(samples: dict[tuple[int, int], str]) -> list[str]:
    return [text for version, text in sorted(samples.items()) if version > sys.version_info[:2]]


@pytest.mark.parametrize("sample", newer_than_this_python(NEWER_SYNTAX) or [pytest.param("", marks=pytest.mark.skip(
    reason="no syntax sample newer than this interpreter"))])
def test_newer_python_syntax_is_analysed(tmp_path, catalog, sample):
    call = "import requests\nrequests.get(url)\n"
    write(tmp_path / "new.py", call + sample + call)
    result = run_tree(tmp_path, catalog)
    # Every line where it was: the call after the newer syntax is found at its own line.
    assert codes(result) == [("new.py", 2, "RL101"), ("new.py", 4 + sample.count("\n"), "RL101")]
    assert result.problems == []


def test_newer_python_syntax_it_cannot_lower_is_partial_not_an_error(tmp_path, catalog):
    newer = newer_than_this_python(NOT_LOWERED)
    if not newer:
        pytest.skip("no syntax sample newer than this interpreter")
    write(tmp_path / "new.py", newer[0])
    result = run_tree(tmp_path, catalog)
    assert codes(result) == []
    assert [(p.path, p.kind) for p in result.problems] == [("new.py", "partial")]


def nested(depth: int) -> str:
    return "x = " + "(" * depth + "1" + ")" * depth + "\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_deeply_nested_python_is_a_syntax_error_and_the_run_goes_on(tmp_path, catalog, monkeypatch, jobs):
    # 2,000 levels once overflowed libcst's stack (exit 139, or BrokenProcessPool
    # with --jobs 2); 500 were called "newer Python" and every rule skipped.
    monkeypatch.setattr("readylint.engine.POOL_MIN_FILES", 1)
    write(tmp_path / "deep.py", nested(2000))
    write(tmp_path / "deeper_than_any_python.py", nested(500))
    write(tmp_path / "ok.py", "import requests\nrequests.get(url)\n")
    result = run_tree(tmp_path, catalog, jobs=jobs)
    assert codes(result) == [
        ("deep.py", 1, "RL001"), ("deeper_than_any_python.py", 1, "RL001"), ("ok.py", 2, "RL101"),
    ]
    deep = result.findings[0]
    assert deep.column == len("x = ") + 201
    assert "too many nested parentheses (more than 200 levels of brackets" in deep.message
    assert result.problems == [] and result.exit_code == 1
    # A pre-commit run of ok.py alone still reads the deep file for project facts.
    assert codes(run_tree(tmp_path, catalog, paths=[tmp_path / "ok.py"], jobs=jobs)) == [("ok.py", 2, "RL101")]


def test_a_file_that_kills_the_fallback_parser_costs_only_that_file(tmp_path, catalog):
    # A chain of 20,000 `and` is fine for `ast`, and overflows libcst's native
    # stack: with the syntax error after it, libcst is asked and its process dies.
    write(tmp_path / "chain.py", "x = " + "1 and " * 20_000 + "1\nimport\n")
    write(tmp_path / "ok.py", "import requests\nrequests.get(url)\n")
    result = run_tree(tmp_path, catalog)
    assert codes(result) == [("chain.py", 2, "RL001"), ("ok.py", 2, "RL101")]
    assert "invalid syntax, or newer syntax nested too deeply to check" in result.findings[0].message
    newer = newer_than_this_python(NOT_LOWERED)
    if newer:  # the next file gets a parser again
        write(tmp_path / "new.py", newer[0])
        assert [(p.path, p.kind) for p in run_tree(tmp_path, catalog).problems] == [("new.py", "partial")]


def indented(levels: int) -> str:
    """`if x:` blocks nested so that the innermost statement is `levels` deep."""
    return "".join(" " * level + "if x:\n" for level in range(levels)) + " " * levels + "pass\n"


def test_newer_syntax_deeper_than_any_python_is_a_syntax_error(tmp_path, catalog):
    newer = newer_than_this_python(NOT_LOWERED)
    if not newer:
        pytest.skip("no syntax sample newer than this interpreter")
    after_newer = newer[0].count("\n") + 1  # the first line after the newer syntax
    # CPython's limits themselves: newer syntax, still partly analysed.
    write(tmp_path / "new.py", newer[0] + nested(200) + indented(99))
    result = run_tree(tmp_path, catalog)
    assert codes(result) == [] and [p.kind for p in result.problems] == ["partial"]
    # One level past either, after the syntax this interpreter rejects: broken on every version.
    write(tmp_path / "new.py", newer[0] + nested(201))
    (finding,) = run_tree(tmp_path, catalog).findings
    assert (finding.code, finding.line, finding.column) == ("RL001", after_newer, len("x = ") + 201)
    assert "too many nested parentheses" in finding.message
    write(tmp_path / "new.py", newer[0] + indented(100))
    (finding,) = run_tree(tmp_path, catalog).findings
    assert (finding.code, finding.line) == ("RL001", after_newer + 100)
    assert "too many levels of indentation (more than 99 levels" in finding.message


def test_a_crashing_rule_is_an_internal_error_and_others_still_run(tmp_path, test_rules):
    write(tmp_path / "a.py", "BOOM = 1\nFLAG = 2\n")
    result = run_tree(tmp_path, test_rules, select=["RL900", "RL901"])
    assert codes(result) == [("a.py", 2, "RL900")]
    assert [p.path for p in result.internal_errors] == ["a.py"]
    assert "RL901" in result.internal_errors[0].reason
    assert result.exit_code == 2


def test_suppressions_and_per_file_ignores(tmp_path, test_rules):
    write(tmp_path / "a.py", "FLAG = 1  # readylint: ignore[RL900]\nFLAG = 2  # readylint: ignore[flag-lines]\nFLAG = 3\n")
    write(tmp_path / "tests" / "t.py", "FLAG = 1\n")
    result = run_tree(tmp_path, test_rules, select=["RL900"], config=Config(per_file_ignores={"tests/": ["RL9"]}))
    assert codes(result) == [("a.py", 3, "RL900")]


def test_fingerprints_survive_inserted_lines_and_count_repeats(tmp_path, test_rules):
    path = write(tmp_path / "a.py", "FLAG = 1\nFLAG = 1\n")
    before = [f.fingerprint for f in run_tree(tmp_path, test_rules, select=["RL900"]).findings]
    path.write_text("import os\n\n\nFLAG   =  1\nother = 2\nFLAG = 1\n")
    after = [f.fingerprint for f in run_tree(tmp_path, test_rules, select=["RL900"]).findings]
    assert len(set(before)) == 2
    assert before == after


def test_secrets_are_masked_and_hashed(tmp_path, monkeypatch):
    secret = "sk_live_" + "a1B2c3D4" * 3

    class SecretCheck(Check):
        code = "RL900"

        def check(self, file):
            yield self.finding(file, 1, 5, f"found {secret}", secret=secret)

    monkeypatch.setattr("readylint.engine.CHECKS", {"RL900": SecretCheck})
    write(tmp_path / "a.env", f"KEY={secret}\n")
    result = run_tree(tmp_path, Catalog([spec("RL900", "secret")]), select=["RL900"])
    (finding,) = result.findings
    assert secret not in finding.message and secret not in finding.source_line
    assert finding.source_line.startswith("KEY=sk_l")
    assert secret not in finding.fingerprint


def test_process_pool_gives_the_same_result(tmp_path, test_rules):
    for index in range(80):
        write(tmp_path / f"m{index:02}.py", "x = 1\n" * (index % 5) + "FLAG = 1\n")
    serial = run_tree(tmp_path, test_rules, select=["RL900"], jobs=1)
    pooled = run_tree(tmp_path, test_rules, select=["RL900"], jobs=2)
    assert codes(serial) == codes(pooled) and len(codes(pooled)) == 80
    candidates = [Candidate(tmp_path / f"m{i:02}.py", f"m{i:02}.py", False) for i in range(80)]
    analyzer = FileAnalyzer(test_rules, select_rules(test_rules, Config(), RunOptions(select=["RL900"])), 1024)
    in_order = analyse_files(analyzer, [(c, False) for c in candidates], jobs=2, on_progress=None)
    assert [r.path for r in in_order] == [c.path for c in candidates]
    assert [f.fingerprint for f in serial.findings] == [f.fingerprint for f in pooled.findings]


def test_project_rule_reads_context_but_reports_only_given_files(tmp_path, test_rules):
    write(tmp_path / "migrations" / "001.sql", "CREATE TABLE users (id int);\nCREATE TABLE orphans (id int);\n")
    write(tmp_path / "migrations" / "002.sql", "CREATE TABLE orders (id int);\n")
    write(tmp_path / "migrations" / "003.sql", "ALTER TABLE users ADD x int;\n")
    whole = run_tree(tmp_path, test_rules, select=["RL902"])
    assert codes(whole) == [("migrations/001.sql", 2, "RL902"), ("migrations/002.sql", 1, "RL902")]
    # pre-commit passes one file: the history is still read, only that file reports.
    partial = run_tree(tmp_path, test_rules, paths=[tmp_path / "migrations" / "002.sql"], select=["RL902"])
    assert codes(partial) == [("migrations/002.sql", 1, "RL902")]
    assert partial.files_checked == 1
    partial = run_tree(tmp_path, test_rules, paths=[tmp_path / "migrations" / "003.sql"], select=["RL902"])
    assert codes(partial) == []


def test_context_files_feed_only_the_project_checks_that_asked(tmp_path, test_rules):
    # RL902 asks for .sql files: a .txt file read as context for another rule
    # gets no RL902 facts, though a full analysis of it would.
    notes = write(tmp_path / "notes.txt", "CREATE TABLE notes (id int);\n")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE users (id int);\n")
    analyzer = FileAnalyzer(test_rules, select_rules(test_rules, Config(), RunOptions(select=["RL902"])), 1024)
    as_context = {path.name: analyzer.analyse(Candidate(path, path.name, False), facts_only=True)
                  for path in (notes, schema)}
    assert "RL902" not in as_context["notes.txt"].facts
    assert as_context["schema.sql"].facts["RL902"] == [(1, "CREATE TABLE users (id int);")]
    assert analyzer.analyse(Candidate(notes, "notes.txt", False)).facts["RL902"] == [(1, "CREATE TABLE notes (id int);")]


def test_context_files_report_nothing_themselves(tmp_path, test_rules):
    # A file read only for a project rule's facts is not linted: even if it
    # cannot be decoded, the partial run does not report it.
    write(tmp_path / "migrations" / "001.sql", "CREATE TABLE a (id int);\n")
    write(tmp_path / "migrations" / "002.sql", b"CREATE TABLE b (\xff);\x00\n")
    partial = run_tree(tmp_path, test_rules, paths=[tmp_path / "migrations" / "001.sql"], select=["RL902"])
    assert codes(partial) == [("migrations/001.sql", 1, "RL902")]


def test_project_findings_honour_suppressions(tmp_path, test_rules):
    write(tmp_path / "001.sql", "CREATE TABLE orphans (id int); -- readylint: ignore[RL902]\n")
    assert codes(run_tree(tmp_path, test_rules, select=["RL902"])) == []


def test_text_rules_alone_do_not_parse_python(tmp_path, catalog, monkeypatch):
    write(tmp_path / "broken.py", "def f(:\n")
    parsed: list[str] = []
    monkeypatch.setattr("readylint.sources.parse_python", lambda text, path="": parsed.append(path))
    secrets_only = run_tree(tmp_path, catalog, select=["RL5"])
    assert parsed == [] and codes(secrets_only) == []
    monkeypatch.undo()
    assert codes(run_tree(tmp_path, catalog, select=["RL5", "RL001"])) == [("broken.py", 1, "RL001")]
    assert codes(run_tree(tmp_path, catalog, select=["RL101"])) == [("broken.py", 1, "RL001")]


@pytest.mark.parametrize(
    "files, expected",
    [
        ({}, None),  # no cgroup files: not in a container, or not Linux
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu.max": "200000 100000\n"}, 2),
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: two workers
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),
        ({"cpu.max": "garbage\n"}, None),
    ],
)
def test_jobs_default_honours_a_container_cpu_quota(tmp_path, files, expected):
    for name, text in files.items():
        write(tmp_path / name, text)
    machine = available_cpus(tmp_path / "no-cgroup")
    assert available_cpus(tmp_path) == (min(machine, expected) if expected else machine)


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("a.py", "import requests\ns = requests.Session()\ndef f(u):\n    return s.get(u)\n", 4),
        ("a.ts", "import axios from 'axios';\nimport { c } from './c';\nexport const api = axios.create();\n"
                 "export const f = () => api.get(u).then(() => c.post('/x', {}));\n", 4),
        # The data-access rules' analyses too (their findings come in the project pass: none here).
        ("b.ts", "import { prisma } from './db';\nimport { Order } from './models';\n"
                 "export async function f(id) {\n  await prisma.order.create({ data: { id } });\n"
                 "  const o = await Order.findOne({ id });\n  await prisma.line.create({ data: { id } });\n}\n", None),
    ],
)
def test_an_analysed_file_is_freed_without_the_cycle_collector(catalog, path, text, line) -> None:
    """Analyses must not form cycles through their file: analysis collects cycles
    rarely (ANALYSIS_GC_THRESHOLDS), and one that held `SourceFile` kept every tree
    of a 900k-line TypeScript run alive (503 MB instead of 88 MB)."""
    import gc
    import weakref

    from readylint.engine import FileResult

    analyzer = FileAnalyzer(catalog, select_rules(catalog, Config(), RunOptions()), 1 << 20)
    gc.disable()
    try:
        source = SourceFile(path, text)
        freed = weakref.ref(source)
        result = analyzer.analyse_source(source, FileResult(path))
        tree = weakref.ref(source.python if path.endswith(".py") else source.script)
        del source
        assert freed() is None
        assert tree() is None  # nor its tree, held by an analysis that refers to itself
    finally:
        gc.enable()
    assert [f.line for f in result.findings] == ([line] if line else [])


def test_lowering_keeps_every_line_where_it_was():
    import ast

    from readylint.python.newer_syntax import lower_to_this_python

    # A line separator in a comment and a form feed are not line breaks for Python's tokenizer;
    # a blank line inside type parameters keeps the continuation going.
    source = ("import requests\n# a comment \u2028 that goes on\ntype Alias = int\nrequests.get(url)\n\x0c\n"
              "def first[\n    T,\n\n    U,\n](xs: list[T]) -> U:\n    return requests.post(url)\n")
    lowered = lower_to_this_python(source)
    assert lowered is not None and lowered.count("\n") == source.count("\n")
    calls = sorted(node.lineno for node in ast.walk(ast.parse(lowered)) if isinstance(node, ast.Call))
    assert calls == [4, 11]
