"""RL401 and RL402 as a project sees them: partial (pre-commit) runs, options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from readylint.config import Config, ConfigError

from conftest import lint


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(result, code):
    return sorted((f.path, f.line) for f in result.findings if f.code == code)


def test_rl401_pre_commit_run_pairs_with_rollback_files_not_passed(tmp_path):
    write(tmp_path, {
        "db/migrations/000001_users.up.sql": "CREATE TABLE users (id int);\n",
        "db/migrations/000001_users.down.sql": "DROP TABLE users;\n",
        "db/migrations/000002_orders.up.sql": "CREATE TABLE orders (id int);\n",
    })
    one = lint([tmp_path / "db/migrations/000001_users.up.sql"], cwd=tmp_path, select=["RL401"])
    assert found(one, "RL401") == []
    two = lint([tmp_path / "db/migrations/000002_orders.up.sql"], cwd=tmp_path, select=["RL401"])
    assert found(two, "RL401") == [("db/migrations/000002_orders.up.sql", 1)]


def test_rl401_rejects_unknown_require_down(tmp_path):
    write(tmp_path, {"db/000001_users.up.sql": "SELECT 1;\n"})
    config = Config(rule_options={"RL401": {"require-down": "sometimes"}})
    with pytest.raises(ConfigError, match="require-down must be one of"):
        lint([tmp_path], config=config, select=["RL401"])


def test_rl402_pre_commit_run_reads_the_whole_history(tmp_path):
    write(tmp_path, {
        "db/migrations/000001_orders.up.sql": (
            "CREATE TABLE users (id int PRIMARY KEY);\n"
            "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);\n"
            "CREATE TABLE items (id int PRIMARY KEY, order_id int REFERENCES orders);\n"
        ),
        "db/migrations/000002_index.up.sql": "CREATE INDEX orders_user_id_idx ON orders (user_id);\n",
    })
    first = tmp_path / "db/migrations/000001_orders.up.sql"
    assert found(lint([first], cwd=tmp_path, select=["RL402"]), "RL402") == [("db/migrations/000001_orders.up.sql", 3)]
    # The finding belongs to the first file: a run on the second reports nothing.
    second = tmp_path / "db/migrations/000002_index.up.sql"
    assert found(lint([second], cwd=tmp_path, select=["RL402"]), "RL402") == []


def test_rl402_message_names_the_key_and_the_fix(tmp_path):
    write(tmp_path, {"schema.sql": 'CREATE TABLE "Team" (id int PRIMARY KEY);\n'
                                   'CREATE TABLE app.members (id int PRIMARY KEY, "teamId" int REFERENCES "Team");\n'})
    (finding,) = lint([tmp_path], select=["RL402"]).findings
    assert 'app.members("teamId") -> "Team"' in finding.message
    assert 'CREATE INDEX CONCURRENTLY "members_teamId_idx" ON app.members ("teamId");' in finding.message


def test_rl402_rejects_unknown_dialect(tmp_path):
    write(tmp_path, {"schema.sql": "CREATE TABLE a (id int);\n"})
    config = Config(rule_options={"RL402": {"dialect": "postgress"}})
    with pytest.raises(ConfigError, match=r"\[rules.RL402\]: dialect"):
        lint([tmp_path], config=config, select=["RL402"])


def test_rl402_message_quotes_reserved_words(tmp_path):
    write(tmp_path, {"schema.sql": 'CREATE TABLE "user" (id int PRIMARY KEY);\n'
                                   'CREATE TABLE "order" (id int PRIMARY KEY, "user" int REFERENCES "user");\n'})
    (finding,) = lint([tmp_path], select=["RL402"]).findings
    assert 'CREATE INDEX CONCURRENTLY order_user_idx ON "order" ("user");' in finding.message


def test_forward_only_history_is_one_info_finding_that_does_not_fail_the_run(tmp_path):
    for version in ("20240101000000_init", "20240201000000_orders", "20240301000000_index"):
        path = tmp_path / "prisma" / "migrations" / version / "migration.sql"
        path.parent.mkdir(parents=True)
        path.write_text(f'CREATE TABLE "t{version[:8]}" ("id" SERIAL PRIMARY KEY);\n')
    result = lint([tmp_path], select=["RL401"])
    assert [(f.path, f.line, f.severity.value) for f in result.findings] == [
        ("prisma/migrations/20240301000000_index/migration.sql", 1, "info")]
    assert "Prisma history prisma/migrations: 3 migrations with no way back" in result.findings[0].message
    process = subprocess.run([sys.executable, "-m", "readylint", "check", "--no-cache", str(tmp_path)],
                             capture_output=True, text=True)
    assert process.returncode == 0, process.stdout


# ---------------------------------------------------------------- Liquibase changelogs (XML, YAML, JSON)

LIQUIBASE_JSON = """{"databaseChangeLog": [
  {"changeSet": {"id": "1", "author": "a",
    "changes": [{"createTable": {"tableName": "t", "columns": []}}]}},
  {"changeSet": {"id": "2", "author": "a",
    "changes": [{"sql": {"sql": "DELETE FROM t"}}]}},
  {"changeSet": {"id": "3", "author": "a",
    "changes": [{"dropTable": {"tableName": "u"}}], "rollback": "CREATE TABLE u (id int)"}},
  {"changeSet": {"id": "4", "author": "a",
    "changes": [{"dropColumn": {"tableName": "t", "columnName": "c"}}], "rollback": []}}
]}
"""


def test_rl401_liquibase_json_changelog_flags_changesets_without_a_way_back(tmp_path):
    write(tmp_path, {"db/changelog/changes.json": LIQUIBASE_JSON})
    result = lint([tmp_path], select=["RL401"])
    assert found(result, "RL401") == [("db/changelog/changes.json", 4)]
    (finding,) = result.findings
    assert "changeset a:2 (sql) has no `rollback:`" in finding.message


def test_rl401_liquibase_empty_rollback_is_irreversible_on_purpose(tmp_path):
    write(tmp_path, {"db/changelog/changes.json": LIQUIBASE_JSON})
    config = Config(rule_options={"RL401": {"allow-irreversible": False}})
    result = lint([tmp_path], config=config, select=["RL401"])
    assert found(result, "RL401") == [("db/changelog/changes.json", 4), ("db/changelog/changes.json", 8)]
    assert "a:4 (dropColumn) has an empty `rollback:`: it is declared irreversible" in result.findings[1].message


@pytest.mark.parametrize("name, text, line", [
    ("changes.xml", '<databaseChangeLog>\n  <changeSet id="1" author="a">\n</databaseChangeLog>\n', 3),
    ("changes.yaml", "databaseChangeLog:\n  - changeSet:\n      id: [1\n", 4),
    ("changes.json", '{"databaseChangeLog": [\n  {"changeSet": }\n]}\n', 2),
])
def test_rl401_broken_liquibase_changelog_is_a_reported_problem(tmp_path, name, text, line):
    write(tmp_path, {f"db/changelog/{name}": text})
    result = lint([tmp_path], select=["RL401"])
    assert result.findings == [] and result.internal_errors == []
    (problem,) = result.problems
    assert problem.path == f"db/changelog/{name}" and problem.kind == "partial"
    assert f"Liquibase changelog does not parse at line {line}" in problem.reason and "RL401 did not check it" in problem.reason


def test_rl401_liquibase_xml_entities_are_never_expanded(tmp_path):
    # A billion-laughs changelog, and one naming an external entity: refused before any entity is declared.
    laughs = '<!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<databaseChangeLog>&b;</databaseChangeLog>\n'
    external = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<databaseChangeLog>&x;</databaseChangeLog>\n'
    write(tmp_path, {"db/changelog/laughs.xml": laughs, "db/changelog/external.xml": external})
    result = lint([tmp_path], select=["RL401"])
    assert result.internal_errors == []
    assert sorted(p.path for p in result.problems) == ["db/changelog/external.xml", "db/changelog/laughs.xml"]
    assert all("a DOCTYPE or entity declaration" in p.reason for p in result.problems)


def test_rl401_liquibase_project_that_writes_no_rollback_is_one_info_finding(tmp_path):
    changeset = '<changeSet id="{id}" author="a">\n  <sql>UPDATE t SET c = 1</sql>\n</changeSet>\n'
    write(tmp_path, {
        f"db/changelog/{name}.xml": f"<databaseChangeLog>\n{changeset.format(id=name)}</databaseChangeLog>\n"
        for name in ("001_init", "002_backfill")
    })
    result = lint([tmp_path], select=["RL401"])
    assert [(f.path, f.line, f.severity.value) for f in result.findings] == [("db/changelog/002_backfill.xml", 1, "info")]
    assert "Liquibase history .: 2 changeSets with no way back" in result.findings[0].message
    always = lint([tmp_path], config=Config(rule_options={"RL401": {"require-down": "always"}}), select=["RL401"])
    assert found(always, "RL401") == [("db/changelog/001_init.xml", 2), ("db/changelog/002_backfill.xml", 2)]


ENTITY = (
    "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\n"
    "@Entity()\nexport class Order {\n  @PrimaryGeneratedColumn() id: number;\n"
    "  @ManyToOne(() => User)\n  user: User;\n}\n"
)


@pytest.mark.parametrize("config_path, config, flagged", [
    ("ormconfig.yml", "default:\n  type: mysql\n  host: localhost\n", False),
    ("src/data-source.ts", "export const a = { type: 'mysql' };\nexport const b = { type: 'sqlite' };\n", False),
    ("src/data-source.ts", "export const a = { type: 'mysql' };\nexport const b = { type: 'postgres' };\n", True),
    ("config/config.json", '{"production": {"dialect": "postgres"}}\n', True),
    # SQLite alone (a cache, a test store) says nothing about the real database.
    ("src/cache.js", "module.exports = { client: 'sqlite3' };\n", True),
])
def test_rl402_typeorm_left_alone_where_the_project_runs_on_mysql(tmp_path, config_path, config, flagged):
    write(tmp_path, {config_path: config, "src/order.entity.ts": ENTITY})
    expected = [("src/order.entity.ts", 5)] if flagged else []
    assert found(lint([tmp_path], select=["RL402"]), "RL402") == expected
