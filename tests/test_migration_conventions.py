"""Recognising each tool's migration files, and ordering them as the tool does."""

from __future__ import annotations

import pytest

from readylint.migrations import conventions as conv


@pytest.mark.parametrize(
    "path, text, expected",
    [
        ("db/migrations/000001_users.up.sql", "CREATE TABLE a (id int);", ("golang-migrate", "db/migrations", "000001", "up")),
        ("db/migrations/000001_users.down.sql", "DROP TABLE a;", ("golang-migrate", "db/migrations", "000001", "down")),
        ("db/migrations/20240101_users.sql", "-- migrate:up\nSELECT 1;\n", ("dbmate", "db/migrations", "20240101", "up")),
        ("sql/00003_users.sql", "-- +goose Up\nSELECT 1;\n", ("goose", "sql", "00003", "up")),
        ("db/migration/V1_2__users.sql", "SELECT 1;", ("flyway", "db/migration", "1_2", "up")),
        ("db/migration/U1_2__users.sql", "SELECT 1;", ("flyway", "db/migration", "1_2", "undo")),
        ("db/migration/R__views.sql", "SELECT 1;", ("flyway", "db/migration", "", "repeatable")),
        ("changelog/001.sql", "--liquibase formatted sql\n--changeset a:1\nSELECT 1;", ("liquibase", "", "001", "up")),
        ("app/prisma/migrations/20240101_init/migration.sql", "SELECT 1;", ("prisma", "app/prisma/migrations", "20240101_init", "up")),
        ("prisma/migrations/20240101_init/down.sql", "SELECT 1;", ("prisma", "prisma/migrations", "20240101_init", "down")),
        ("supabase/migrations/20240101120000_init.sql", "SELECT 1;", ("supabase", "supabase/migrations", "20240101120000", "up")),
        ("migrations/0002_orders.sql", "SELECT 1;", ("numbered-sql", "migrations", "0002", "up")),
        ("alembic/versions/abc_users.py", "revision = 'abc'\ndown_revision = None\n", ("alembic", "alembic/versions", "abc_users", "up")),
        ("shop/migrations/0001_initial.py", "class Migration(migrations.Migration): pass", ("django", "shop/migrations", "0001_initial", "up")),
    ],
)
def test_identify(path, text, expected):
    found = conv.identify(path, text)
    assert found is not None
    assert (found.convention, found.history, found.version, found.direction) == expected


@pytest.mark.parametrize(
    "path, text",
    [
        ("queries/users.sql", "SELECT * FROM users;"),  # no version, no markers
        ("app/versions/helpers.py", "def helper(): pass"),  # not an Alembic revision
        ("shop/migrations/__init__.py", ""),
        ("deploy/users.sql", "SELECT 1;"),  # deploy/ without a sqitch.plan
    ],
)
def test_files_outside_histories(path, text):
    assert conv.identify(path, text) is None


def test_sqitch_needs_its_plan(tmp_path):
    (tmp_path / "db" / "deploy").mkdir(parents=True)
    deploy = tmp_path / "db" / "deploy" / "users.sql"
    deploy.write_text("CREATE TABLE users (id int);")
    assert conv.identify("db/deploy/users.sql", deploy.read_text(), deploy) is None
    (tmp_path / "db" / "sqitch.plan").write_text("%project=x\nusers 2024-01-01T00:00:00Z a <a@b> # x\n")
    found = conv.identify("db/deploy/users.sql", deploy.read_text(), deploy)
    assert (found.convention, found.history, found.title, found.direction) == ("sqitch", "db", "users", "up")


def test_sqitch_plan_order_keeps_first_position_of_reworked_changes():
    plan = (
        "%syntax-version=1.0.0\n%project=shop\n\n"
        "users 2024-01-01T00:00:00Z Dev <d@x> # users\n"
        "orders [users] 2024-01-02T00:00:00Z Dev <d@x> # orders\n"
        "@v1.0 2024-01-03T00:00:00Z Dev <d@x> # tag\n"
        "users [users@v1.0] 2024-01-04T00:00:00Z Dev <d@x> # reworked\n"
    )
    assert conv.plan_changes(plan) == ["users", "orders"]


def test_versions_sort_naturally():
    versions = ["10", "9", "1_10", "1_9", "1.2.1", "20240101120000", "2"]
    assert sorted(versions, key=conv.version_key) == ["1.2.1", "1_9", "1_10", "2", "9", "10", "20240101120000"]


def test_flyway_repeatables_run_after_versioned_migrations():
    files = [conv.identify(p, "") for p in ("m/R__views.sql", "m/V10__b.sql", "m/V2__a.sql")]
    assert [f.title for f in sorted(files, key=lambda f: f.order)] == ["a", "b", "views"]


def test_sections_split_up_and_down_with_lines():
    goose = conv.load_conventions().named("goose")
    text = "-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose Down\nDROP TABLE a;\n"
    up, down = conv.sections(goose, text)
    assert (up.marker_line, up.first_line, up.text.strip()) == (1, 2, "CREATE TABLE a (id int);")
    assert (down.marker_line, down.first_line, down.text.strip()) == (4, 5, "DROP TABLE a;")
    up, down = conv.sections(goose, "-- +goose Up\nSELECT 1;\n")
    assert down is None


def test_liquibase_changesets_and_their_rollbacks():
    liquibase = conv.load_conventions().named("liquibase")
    text = (
        "--liquibase formatted sql\n--changeset a:1\nCREATE TABLE t (id int);\n--rollback DROP TABLE t;\n"
        "--changeset a:2 runOnChange:true\nDELETE FROM t;\n--rollback empty\n"
    )
    found = conv.changesets(liquibase, text)
    assert [(c.label, c.line, c.rollbacks) for c in found] == [
        ("a:1", 2, ("DROP TABLE t;",)), ("a:2", 5, ("empty",)),
    ]
    assert found[0].body.first_line == 3


@pytest.mark.parametrize(
    "path, belongs",
    [("db/x.sql", True), ("sqitch.plan", True), ("alembic/versions/a.py", True),
     ("shop/migrations/0001_x.py", True), ("shop/models.py", False), ("README.md", False)],
)
def test_may_belong_to_history(path, belongs):
    assert conv.may_belong_to_history(path) is belongs


def test_alembic_recursive_version_locations_share_one_history():
    found = conv.identify("db/versions/2024/abc_users.py", "revision = 'abc'\ndown_revision = None\n")
    assert (found.convention, found.history) == ("alembic", "db/versions")
