"""The shipped catalogs: valid, paired with a check, documented, and shipped."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from readylint.catalog import Catalog, CatalogError, shipped_rules_dir
from readylint.checks import CHECKS, ENGINE_CODES
from readylint.config import Config

from conftest import lint

# RL002's example is a configuration, not a file the rule flags: it fires
# only on files over max-file-size (tested in test_engine).
EXAMPLES_NOT_FLAGGABLE = {"RL002"}


def test_shipped_rules_load_and_pair_with_checks(catalog):
    codes = {rule.code for rule in catalog}
    assert codes, f"no rules found in {shipped_rules_dir()}"
    engine_only = ENGINE_CODES | {"RL003"}
    assert codes - engine_only == set(CHECKS) - engine_only
    assert set(CHECKS) <= codes


def test_codes_and_names_are_unique(catalog):
    assert len({r.name for r in catalog}) == len(catalog)


def write_example(directory: Path, rule, content) -> None:
    files = content if isinstance(content, dict) else {rule.example_path: content}
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize("code", sorted(r.code for r in Catalog.load() if r.code not in EXAMPLES_NOT_FLAGGABLE))
def test_doc_example_is_flagged_and_use_instead_is_clean(code, catalog, tmp_path):
    rule = catalog.by_code[code]
    for name, content, should_flag in (("example", rule.example, True), ("use_instead", rule.use_instead, False)):
        directory = tmp_path / name
        write_example(directory, rule, content)
        result = lint([directory], config=Config(strict_suppressions=True), select=[code])
        flagged = [f for f in result.findings if f.code == code]
        assert bool(flagged) is should_flag, f"{code} {name}: {[(f.line, f.message) for f in result.findings]}"


def write_rule(directory: Path, text: str, name: str = "RL101-outbound-call-without-timeout.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


RULE = """\
code: RL101
name: outbound-call-without-timeout
severity: error
summary: s
why: w
example: e
use_instead: u
options:
  default-timeout: {default: 10, description: seconds}
catalog:
  clients:
    - {name: requests.get}
"""


def test_extension_merges_catalog_and_options(tmp_path):
    write_rule(tmp_path, RULE)
    extension = tmp_path / "ours.yaml"
    extension.write_text(
        "code: RL101\ncatalog:\n  clients:\n    - {name: ourco.http.get}\noptions:\n  default-timeout: 3\n"
    )
    catalog = Catalog.load(tmp_path, [extension])
    rule = catalog.by_code["RL101"]
    assert [c["name"] for c in rule.catalog["clients"]] == ["requests.get", "ourco.http.get"]
    assert rule.options["default-timeout"].default == 3
    assert rule.sources[-1] == extension


@pytest.mark.parametrize(
    "extension, fragment",
    [
        ("code: RL999\ncatalog: {}\n", "RL999 is not a readylint rule or shared catalog"),
        ("code: RL101\ncatalog:\n  servers: []\n", "field 'catalog.servers': unknown catalog key"),
        ("code: RL101\ncatalog:\n  clients: {name: x}\n", "field 'catalog.clients': must be a list"),
        ("code: RL101\nseverity: info\n", "field 'severity': cannot be changed"),
        ("code: RL101\noptions:\n  retries: 3\n", "field 'options.retries': RL101 has no such option"),
        ("catalog: {}\n", "field 'code': is required"),
        ("code: [RL101\n", "invalid YAML at line"),
    ],
)
def test_bad_extension_names_file_and_field(tmp_path, extension, fragment):
    write_rule(tmp_path, RULE)
    path = tmp_path / "ours.yaml"
    path.write_text(extension)
    with pytest.raises(CatalogError) as error:
        Catalog.load(tmp_path, [path])
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


@pytest.mark.parametrize(
    "mutation, fragment",
    [
        (("code: RL101", "code: R101"), "field 'code'"),
        (("severity: error", "severity: fatal"), "field 'severity'"),
        (("summary: s\n", ""), "field 'summary': is required"),
        (("name: outbound-call-without-timeout", "name: Outbound Call"), "field 'name'"),
        (("catalog:", "colour: red\ncatalog:"), "field 'colour': unknown field"),
    ],
)
def test_bad_shipped_rule_names_field(tmp_path, mutation, fragment):
    write_rule(tmp_path, RULE.replace(*mutation))
    with pytest.raises(CatalogError, match=fragment):
        Catalog.load(tmp_path)


def test_file_name_must_match_code_and_name(tmp_path):
    write_rule(tmp_path, RULE, name="RL101-timeouts.yaml")
    with pytest.raises(CatalogError, match="file name must be RL101-outbound-call-without-timeout.yaml"):
        Catalog.load(tmp_path)


def test_selectors(catalog):
    assert [r.code for r in catalog.matching("RL001")] == ["RL001"]
    assert [r.code for r in catalog.matching("parse-error")] == ["RL001"]
    assert {r.code for r in catalog.matching("RL0")} >= {"RL001", "RL002", "RL003"}
    assert catalog.matching("RL9") == []
    assert catalog.matching("no-such-rule") == []


def test_data_access_vocabulary_is_one_file_both_rules_include(catalog):
    shared = catalog.by_code["RL201"].sources[0]
    assert shared.name == "data-access.yaml"
    for code in ("RL201", "RL202"):
        rule = catalog.by_code[code]
        assert rule.sources[0] == shared
        assert "objects" in rule.catalog["django"]["managers"]
        assert "sqlalchemy.orm.Session" in rule.catalog["sqlalchemy"]["sessions"]
    # Each rule adds its own keys to the shared sections.
    assert "write_methods" in catalog.by_code["RL201"].catalog["django"]
    assert "evaluating_methods" in catalog.by_code["RL202"].catalog["django"]


def test_included_catalog_is_merged_under_the_rules_own(tmp_path):
    (tmp_path / "vocabulary.yaml").write_text("clients:\n  - {name: shared.get}\nhosts: [a]\n")
    write_rule(tmp_path, RULE.replace("catalog:", "catalog_includes: [vocabulary.yaml]\ncatalog:"))
    extension = tmp_path / "ours.yaml"
    extension.write_text("code: RL101\ncatalog:\n  hosts: [b]\n")  # an included key can be extended
    rule = Catalog.load(tmp_path, [extension]).by_code["RL101"]
    assert [c["name"] for c in rule.catalog["clients"]] == ["shared.get", "requests.get"]
    assert rule.catalog["hosts"] == ["a", "b"]
    assert [p.name for p in rule.sources] == ["vocabulary.yaml", "RL101-outbound-call-without-timeout.yaml",
                                              "ours.yaml"]


def test_missing_included_catalog_names_the_file(tmp_path):
    write_rule(tmp_path, RULE.replace("catalog:", "catalog_includes: [missing.yaml]\ncatalog:"))
    with pytest.raises(CatalogError, match="missing.yaml"):
        Catalog.load(tmp_path)


def test_one_extension_of_a_shared_catalog_reaches_every_rule_that_includes_it(tmp_path):
    extension = tmp_path / "ours.yaml"
    extension.write_text("code: data-access\ncatalog:\n  sqlalchemy:\n    session_expressions: [request.dbsession]\n")
    catalog = Catalog.load(extensions=[extension])
    for code in ("RL201", "RL202"):
        rule = catalog.by_code[code]
        assert "request.dbsession" in rule.catalog["sqlalchemy"]["session_expressions"]
        assert rule.sources[-1] == extension
    assert "sqlalchemy" not in catalog.by_code["RL101"].catalog


@pytest.mark.parametrize(
    "extension, fragment",
    [
        ("code: data-access\ncatalog:\n  mongo: []\n", "field 'catalog.mongo': unknown catalog key"),
        ("code: data-access\noptions:\n  x: 1\n", "field 'options': a shared catalog (data-access) has no options"),
        ("code: data-acess\ncatalog: {}\n", "data-acess is not a readylint rule or shared catalog"),
    ],
)
def test_bad_shared_catalog_extension_names_file_and_field(tmp_path, extension, fragment):
    path = tmp_path / "ours.yaml"
    path.write_text(extension)
    with pytest.raises(CatalogError) as error:
        Catalog.load(extensions=[path])
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


def test_rl101_docs_show_the_defect_in_each_language_it_reads(catalog, tmp_path):
    rule = catalog.by_code["RL101"]
    write_example(tmp_path, rule, rule.example)
    assert {f.path for f in lint([tmp_path], select=["RL101"]).findings} == {"rates.py", "rates.ts"}
