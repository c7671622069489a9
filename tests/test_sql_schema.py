"""SQL statements to schema operations, and the schema model's replay."""

from __future__ import annotations

import ast

import pytest

from readylint.migrations.alembic_ops import upgrade_operations
from readylint.sql.operations import may_change_schema, statement_operations
from readylint.sql.schema import (
    AddForeignKey, AddIndex, DropIndex, RenameColumn, RenameTable, SchemaModel, TableName,
)
from readylint.sql.statements import split_statements



def operations(sql: str):
    return [op for s in split_statements(sql) for op in statement_operations(s)]


def uncovered(*migrations: str) -> list[tuple[str, tuple[str, ...], int]]:
    model = SchemaModel()
    for index, sql in enumerate(migrations):
        model.replay(f"m{index}.sql", operations(sql))
    return [(str(k.table), k.columns, k.line) for k in model.uncovered_foreign_keys()]


@pytest.mark.parametrize(
    "keywords, parsed",
    [
        (("CREATE", "TABLE"), True), (("CREATE", "UNIQUE", "INDEX"), True), (("CREATE", "UNLOGGED", "TABLE"), True),
        (("ALTER", "TABLE"), True), (("DROP", "INDEX"), True), (("CREATE", "TEMP", "TABLE"), False),
        (("CREATE", "POLICY"), False), (("INSERT", "INTO"), False), (("DO",), True), ((), False),
    ],
)
def test_only_schema_statements_are_parsed(keywords, parsed):
    assert may_change_schema(keywords) is parsed


def test_foreign_keys_in_every_form():
    ops = operations(
        "CREATE TABLE orders (id int PRIMARY KEY,\n user_id int REFERENCES users,\n"
        " a int, b int, CONSTRAINT ab_fk FOREIGN KEY (a, b) REFERENCES pairs (x, y));\n"
        "ALTER TABLE orders ADD CONSTRAINT fk_c FOREIGN KEY (c) REFERENCES users (id);\n"
        "ALTER TABLE orders ADD COLUMN shop_id int REFERENCES shops (id);\n"
    )
    keys = [(op.name, op.columns, op.references.name, op.line) for op in ops if isinstance(op, AddForeignKey)]
    assert keys == [
        (None, ("user_id",), "users", 2), ("ab_fk", ("a", "b"), "pairs", 3),
        ("fk_c", ("c",), "users", 4), (None, ("shop_id",), "shops", 5),
    ]


def test_index_keys_expressions_and_partial():
    (index,) = operations('CREATE INDEX i ON "Sales".t (a, lower(b), "C" text_pattern_ops) INCLUDE (d) WHERE a > 0;')
    assert index == AddIndex(TableName("Sales", "t"), "i", ("a", None, "C"), 1, partial=True)


def test_unsupported_statements_yield_nothing():
    assert operations("DO $$ BEGIN PERFORM 1; END $$;\nCREATE POLICY p ON t USING (true);\nCREATE TABLE (;") == []


def test_alter_table_with_an_unsupported_action_keeps_the_others():
    ops = operations("ALTER TABLE orders ADD CONSTRAINT u2 UNIQUE USING INDEX idx, ADD FOREIGN KEY (user_id) REFERENCES users;")
    assert [type(op).__name__ for op in ops] == ["AddForeignKey"]


def test_drop_index_lists_and_renames():
    ops = operations("DROP INDEX CONCURRENTLY IF EXISTS a, s.b CASCADE;\nALTER TABLE orders RENAME TO purchases;\n"
                     "ALTER TABLE purchases RENAME COLUMN x TO y;")
    # unqualified names wait for the search path, resolved when replayed
    assert ops == [DropIndex(None, "a", 1), DropIndex("s", "b", 1), RenameTable(TableName("", "orders"), "purchases", 2),
                   RenameColumn(TableName("", "purchases"), "x", "y", 3)]


def test_replay_covering_rules():
    base = "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);"
    assert uncovered(base) == [("orders", ("user_id",), 2)]
    assert uncovered(base, "CREATE INDEX ON orders (user_id, id);") == []
    assert uncovered(base, "CREATE INDEX ON orders (id, user_id);") == [("orders", ("user_id",), 2)]
    assert uncovered(base, "CREATE INDEX ON orders (user_id) WHERE id > 0;") == [("orders", ("user_id",), 2)]
    assert uncovered(base, "ALTER TABLE orders ADD CONSTRAINT u UNIQUE (user_id);") == []
    assert uncovered(base, "ALTER TABLE orders ADD CONSTRAINT u UNIQUE (user_id);",
                     "ALTER TABLE orders DROP CONSTRAINT u;") == [("orders", ("user_id",), 2)]


def test_replay_follows_drops_and_renames():
    base = "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);"
    # the default constraint name PostgreSQL gives: orders_user_id_fkey
    assert uncovered(base, "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;") == []
    assert uncovered(base, "ALTER TABLE orders DROP COLUMN user_id;") == []
    assert uncovered(base, "DROP TABLE orders;") == []
    assert uncovered(base, "CREATE INDEX i ON orders (user_id);", "DROP INDEX i;") == [("orders", ("user_id",), 2)]
    assert uncovered(base, "CREATE INDEX i ON orders (user_id);", "ALTER INDEX i RENAME TO j;", "DROP INDEX i;") == []
    assert uncovered(base, "ALTER TABLE orders RENAME TO purchases;", "CREATE INDEX ON purchases (user_id);") == []
    assert uncovered(base, "ALTER TABLE orders RENAME COLUMN user_id TO buyer_id;",
                     "CREATE INDEX ON orders (buyer_id);") == []
    # an index on a column that is dropped goes with it
    assert uncovered(base, "ALTER TABLE orders ADD COLUMN x int;", "CREATE INDEX ON orders (user_id, x);",
                     "ALTER TABLE orders DROP COLUMN x;") == [("orders", ("user_id",), 2)]


def test_tables_the_history_never_created_are_not_judged():
    assert uncovered("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;") == []


def test_create_table_if_not_exists_keeps_the_existing_table():
    assert uncovered("CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE o (id int, u int REFERENCES users);\n"
                     "CREATE INDEX ON o (u);", "CREATE TABLE IF NOT EXISTS o (id int);") == []


def test_alembic_operations():
    tree = ast.parse(
        "def upgrade():\n"
        "    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True),\n"
        "        sa.Column('u', sa.Integer, sa.ForeignKey('auth.users.id'), index=True), schema='app')\n"
        "    with op.batch_alter_table('t', schema='app') as b:\n"
        "        b.create_index('ix_t_v', ['v'], postgresql_where=sa.text('v > 0'))\n"
        "    op.drop_index(op.f('ix_t_u'), table_name='t')\n"
        "def downgrade():\n"
        "    op.drop_table('t')\n"
    )
    t = TableName("app", "t")
    assert upgrade_operations(tree)[1:] == [
        AddForeignKey(t, None, ("u",), TableName("auth", "users"), 3),
        AddIndex(t, "ix_t_u", ("u",), 3),
        AddIndex(t, None, ("id",), 2, constraint=True, kind="primary key"),
        AddIndex(t, "ix_t_v", ("v",), 5, partial=True),
        DropIndex(None, "ix_t_u", 6),
    ]


def test_alembic_branches_for_other_databases_are_skipped():
    tree = ast.parse(
        "def upgrade():\n"
        "    if op.get_bind().dialect.name == 'mysql':\n"
        "        op.create_index('a', 't', ['a'])\n"
        "    else:\n"
        "        op.create_index('b', 't', ['b'])\n"
        "    if bind.dialect.name != 'sqlite':\n"
        "        op.create_index('c', 't', ['c'])\n"
        "    if url.startswith('postgresql'):\n"
        "        op.create_index('d', 't', ['d'])\n"
        "    if feature_enabled:\n"
        "        op.create_index('e', 't', ['e'])\n"
    )
    assert [op.name for op in upgrade_operations(tree)] == ["b", "c", "d", "e"]


def test_a_redefined_foreign_key_is_one_key():
    assert uncovered(
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE;",
    ) == [("orders", ("user_id",), 1)]


def test_prisma_schema_keys_and_relations():
    from readylint.migrations.prisma_schema import prisma_tables, provider

    text = (
        'datasource db {\n  provider = "postgresql"\n}\n'
        "model Post {\n"
        "  id Int @id\n"
        "  author User @relation(fields: [authorId, tenantId], references: [id, tenantId])\n"
        "  authorId Int\n"
        "  tenantId Int\n"
        "  @@index([authorId, tenantId(sort: Desc), id])\n"
        '  @@map("posts")\n'
        "}\n"
    )
    assert provider(text) == "postgresql"
    (table,) = prisma_tables(text)
    assert (table.name, table.model) == ("posts", "Post")
    assert table.foreign_keys[0].columns == ("authorId", "tenantId") and table.foreign_keys[0].line == 6
    assert table.uncovered() == []


def test_sqlalchemy_association_table_and_composite_primary_key():
    from readylint.python.model_declarations import sqlalchemy_tables

    tree = ast.parse(
        "tags = Table('post_tags', metadata,\n"
        "    Column('post_id', ForeignKey('posts.id'), primary_key=True),\n"
        "    Column('tag_id', ForeignKey('tags.id'), primary_key=True))\n"
    )
    (table,) = sqlalchemy_tables(tree)
    assert [(k.columns, k.references, k.line) for k in table.uncovered()] == [(("tag_id",), "tags", 3)]


def test_replay_follows_dropped_and_renamed_parents_and_renamed_constraints():
    base = "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);"
    # dropping the parent (CASCADE) drops the foreign keys to it
    assert uncovered(base, "DROP TABLE users CASCADE;") == []
    model = SchemaModel()
    model.replay("m.sql", operations(base + "\nALTER TABLE users RENAME TO accounts;"))
    assert [str(k.references) for k in model.uncovered_foreign_keys()] == ["accounts"]
    assert uncovered(base, 'ALTER TABLE IF EXISTS orders RENAME CONSTRAINT orders_user_id_fkey TO "orders_user_FK";',
                     'ALTER TABLE orders DROP CONSTRAINT "orders_user_FK";') == []


def test_alembic_helpers_called_by_upgrade_are_read():
    tree = ast.parse(
        "def _indexes():\n"
        "    op.create_index('ix_t_u', 't', ['u'])\n"
        "def upgrade():\n"
        "    op.add_column('t', sa.Column('u', sa.Integer, sa.ForeignKey('users.id')))\n"
        "    _indexes()\n"
        "def downgrade():\n"
        "    op.drop_index('ix_t_u')\n"
    )
    assert [type(op).__name__ for op in upgrade_operations(tree)] == ["AddForeignKey", "AddIndex"]


def test_a_unique_key_on_some_of_the_foreign_key_columns_covers_it():
    base = ("CREATE TABLE p (a int, b int, c int, PRIMARY KEY (a, b, c));\n"
            "CREATE TABLE t (a int, b int, c int, FOREIGN KEY (a, b, c) REFERENCES p);")
    assert uncovered(base, "ALTER TABLE t ADD PRIMARY KEY (b, a);") == []
    assert uncovered(base, "CREATE UNIQUE INDEX ON t (a, b);") == []
    assert uncovered(base, "CREATE INDEX ON t (a, b);") == [("t", ("a", "b", "c"), 2)]
    assert uncovered(base, "CREATE UNIQUE INDEX ON t (a, d);") == [("t", ("a", "b", "c"), 2)]


def test_oracle_style_parenthesised_add():
    ops = operations("ALTER TABLE departments\nADD ( CONSTRAINT dept_mgr_fk FOREIGN KEY (manager_id)\n"
                     "  REFERENCES employees (employee_id), CONSTRAINT u UNIQUE (name) );")
    assert [(type(op).__name__, op.columns) for op in ops] == [("AddForeignKey", ("manager_id",)), ("AddIndex", ("name",))]


def test_keys_and_indexes_seen_before_their_table_are_kept():
    # Liquibase projects include constraint/ and index/ files from a master
    # changelog readylint does not read: file order is not the tool's order.
    assert uncovered("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users;",
                     "CREATE TABLE orders (id int PRIMARY KEY, user_id int);") == [("orders", ("user_id",), 1)]
    assert uncovered("CREATE INDEX ix ON orders (user_id);",
                     "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users;",
                     "CREATE TABLE orders (id int PRIMARY KEY, user_id int);") == []



def test_search_path_decides_where_unqualified_names_go():
    assert operations("SET search_path TO \"$user\", app, public;\nSET LOCAL search_path = 'billing';")[0].schema == "app"
    history = (
        "CREATE SCHEMA app;\nSET search_path TO app;\n"
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);"
    )
    model = SchemaModel()
    model.replay("1.sql", operations(history))
    assert [str(k.table) for k in model.uncovered_foreign_keys()] == ["app.orders"]
    # the next file starts with the default search path, so it qualifies the name
    model.replay("2.sql", operations("CREATE INDEX ON app.orders (user_id);"))
    assert model.uncovered_foreign_keys() == []


def test_do_block_statements_are_read():
    # drizzle-kit before 0.22 wrapped each foreign key in an idempotent DO block.
    sql = (
        'CREATE TABLE "orders" ("id" int PRIMARY KEY, "userId" text, "shopId" text);\n'
        "DO $$ BEGIN\n"
        ' ALTER TABLE "orders" ADD CONSTRAINT "orders_user_fk" FOREIGN KEY ("userId") REFERENCES "users"("id");\n'
        "EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n"
        "DO $body$\nBEGIN\n  IF true THEN\n    ALTER TABLE orders ADD FOREIGN KEY (\"shopId\") REFERENCES shops (id);\n"
        "  END IF;\nEND\n$body$;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
    )
    assert uncovered(sql) == [("orders", ("userId",), 3)]
