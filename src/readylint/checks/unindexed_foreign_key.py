"""RL402 unindexed-foreign-key: a foreign key whose referencing columns no index covers.

Workers turn each migration file into schema operations (`collect`); the
project pass replays every history in its tool's order through the schema
model (`readylint.sql.schema`) and reports the foreign keys still uncovered at
the end, each once, at the statement that created it. knex and Sequelize
migrations are histories too (`readylint.typescript.schema`). ORM model
declarations (SQLAlchemy, SQLModel, Django, Prisma, TypeORM entities, Drizzle
tables) are judged for the tables no history describes.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.config import ConfigError
from readylint.discovery import matches_skip_paths
from readylint.migrations import conventions as conv
from readylint.migrations.alembic_ops import upgrade_operations
from readylint.migrations.prisma_schema import datasource_text, emulates_relations, prisma_tables, provider
from readylint.migrations.python_migrations import alembic_revision
from readylint.python.model_declarations import django_tables, sqlalchemy_tables
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile
from readylint.sql.schema import (
    DEFAULT_SCHEMA, CreateTable, DeclaredForeignKey, DeclaredTable, Operation, SchemaModel, TableName, UncoveredForeignKey,
)
from readylint.sql.statements import COMMENT_RE, dialect_named, split_statements
from readylint.typescript.schema import drizzle_tables, knex_operations, sequelize_operations, typeorm_tables

DEFAULT_DIALECT = "postgres"
# TS/JS migration tools whose files are histories of schema operations.
SCRIPT_HISTORIES = {"knex": knex_operations, "sequelize": sequelize_operations}
SCRIPT_SCHEMA_WORDS = ("@Entity", "pgTable", "pgSchema")
TYPEORM_IMPORT_RE = re.compile(r"""(?:\bfrom|\brequire\()\s*['"]typeorm['"]""")
SCHEMA_CHANGE_RE = re.compile(r"\b(?:create|alter|drop)\b", re.I)
SAFE_IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_$]*$")
MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names


@dataclass(frozen=True)
class MigrationFacts:
    """One forward migration (or schema file) as schema operations."""

    history: str
    convention: str
    order: tuple
    operations: tuple[Operation, ...]
    self_indexing: bool  # written for a database that indexes foreign keys itself (MySQL)
    revision: str | None = None  # Alembic: orders the history by its revision graph
    down_revisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclarationFacts:
    """Tables an ORM declares in this file (models, a Prisma schema)."""

    origin: str  # sqlalchemy | django | prisma | prisma-relation-mode | typeorm | drizzle
    tables: tuple[DeclaredTable, ...]


@dataclass(frozen=True)
class DatabaseFacts:
    """The databases a TS/JS or configuration file names (`type: 'mysql'`,
    `client: 'pg'`): whether the project's knex, Sequelize and TypeORM tables
    live in a database that indexes foreign keys itself."""

    databases: tuple[str, ...]


@dataclass(frozen=True)
class PlanFacts:
    """A sqitch plan: the deploy order of its changes."""

    history: str
    changes: tuple[str, ...]


class UnindexedForeignKey(ProjectCheck):
    code = "RL402"
    kinds = frozenset({FileKind.SQL, FileKind.PYTHON, FileKind.TEXT, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        self.dialect = options.get("dialect", DEFAULT_DIALECT)
        # Checked here so a typo is a configuration error; the default needs
        # no check, and skipping it keeps sqlglot out of runs without SQL.
        if self.dialect != DEFAULT_DIALECT:
            try:
                dialect_named(self.dialect)
            except ValueError as exc:
                raise ConfigError(f"[rules.RL402]: dialect: {exc}") from None
        self.self_indexing_dialect = self.dialect in rule.catalog.get("self_indexing_dialects", [])
        self.self_indexing_markers = [re.compile(p) for p in rule.catalog.get("self_indexing_markers", [])]
        self.script_database = re.compile(rule.catalog["script_database"])
        self.script_database_files = re.compile(rule.catalog["script_database_files"])
        self.script_skip_paths = [str(p) for p in rule.catalog.get("script_skip_paths") or ()]
        self.self_indexing_databases = frozenset(rule.catalog["self_indexing_script_databases"])
        self.local_databases = frozenset(rule.catalog["local_script_databases"])

    def applies_to(self, file: SourceFile) -> bool:
        if self.self_indexing_dialect:
            return False
        if file.kind is FileKind.SQL:
            return bool(SCHEMA_CHANGE_RE.search(file.text))
        if file.kind is FileKind.PYTHON:
            return (("op." in file.text and conv.may_belong_to_history(file.path))
                    or "ForeignKey" in file.text or "foreign_key=" in file.text)
        if file.kind in SCRIPT_KINDS:
            return (conv.may_belong_to_history(file.path) or any(word in file.text for word in SCRIPT_SCHEMA_WORDS)
                    or bool(self.script_database.search(file.text)))
        return (conv.is_sqitch_plan(file.path) or file.path.endswith(".prisma")
                or bool(self.script_database_files.search(file.path)))

    def wants_context(self, path: str) -> bool:
        return conv.may_belong_to_history(path)

    # ------------------------------------------------------------ per file

    def collect(self, file: SourceFile) -> MigrationFacts | PlanFacts | None:
        if file.kind is FileKind.TEXT:
            if file.path.endswith(".prisma"):
                return self._prisma(file)
            if self.script_database_files.search(file.path):
                return self._databases(file)
            return PlanFacts(posixpath.dirname(file.path), tuple(conv.plan_changes(file.text)))
        migration = conv.identify(file.path, file.text, file.abs_path)
        if file.kind in SCRIPT_KINDS:
            return self._script(file, migration)
        if file.kind is FileKind.PYTHON:
            if migration is None:
                return self._models(file)
            return self._alembic(file, migration)
        if migration is None:
            # A schema file outside any history: its directory's files form one.
            return self._sql(file, "sql-files:" + posixpath.dirname(file.path), "sql",
                             (0, posixpath.basename(file.path)), [(file.text, 1)])
        if not migration.is_forward:
            return None
        convention = conv.load_conventions().named(migration.convention)
        if migration.layout == "sections":
            up, _ = conv.sections(convention, file.text)
            parts = [(up.text, up.first_line)]
        else:
            parts = [(file.text, 1)]
        return self._sql(file, migration.history, migration.convention, migration.order, parts)

    def _sql(self, file, history, convention, order, parts) -> MigrationFacts:
        statements = [s for text, first_line in parts for s in split_statements(text, self.dialect, first_line)]
        from readylint.sql.operations import may_change_schema, statement_operations  # imports sqlglot

        operations = [op for statement in statements for op in statement_operations(statement, self.dialect)]
        # Markers count in table and index statements only, outside comments:
        # Prisma's generated comments and function bodies quote names in
        # backquotes too.
        schema_text = "\n".join(
            COMMENT_RE.sub("", s.text) for s in statements if may_change_schema(s.keywords)
        )
        self_indexing = any(marker.search(schema_text) for marker in self.self_indexing_markers)
        return MigrationFacts(history, convention, order, tuple(operations), self_indexing)

    def _script(self, file: SourceFile, migration) -> MigrationFacts | DeclarationFacts | DatabaseFacts | None:
        if file.script.unreadable:
            return None
        if matches_skip_paths(file.path, self.script_skip_paths):
            return None  # test entities and migrations build throwaway databases
        read_operations = SCRIPT_HISTORIES.get(migration.convention) if migration is not None else None
        if read_operations is not None:
            return MigrationFacts(migration.history, migration.convention, migration.order,
                                  tuple(read_operations(file.script, self.dialect)), False)
        # MikroORM's decorators have TypeORM's names, and MikroORM indexes foreign keys on PostgreSQL itself.
        if "@Entity" in file.text and TYPEORM_IMPORT_RE.search(file.text):
            tables = typeorm_tables(file.script)
            if tables:
                return DeclarationFacts("typeorm", tuple(tables))
        if "pgTable" in file.text or "pgSchema" in file.text:
            tables = drizzle_tables(file.script)
            if tables:
                return DeclarationFacts("drizzle", tuple(tables))
        return self._databases(file)

    def _databases(self, file: SourceFile) -> DatabaseFacts | None:
        databases = tuple(sorted({m.group("database").lower() for m in self.script_database.finditer(file.text)}))
        return DatabaseFacts(databases) if databases else None

    def _models(self, file: SourceFile) -> DeclarationFacts | None:
        tree = file.python.tree
        if tree is None:
            return None
        if "db_index=False" in file.text:
            tables = django_tables(tree)
            if tables:
                return DeclarationFacts("django", tuple(tables))
        if "Column" in file.text or "mapped_column" in file.text or "foreign_key=" in file.text:
            tables = sqlalchemy_tables(tree)
            if tables:
                return DeclarationFacts("sqlalchemy", tuple(tables))
        return None

    def _prisma(self, file: SourceFile) -> DeclarationFacts | None:
        # With relationMode = "prisma" there is no foreign key for any database to
        # index, and Prisma's docs ask for @@index on relation scalars everywhere;
        # otherwise MySQL indexes foreign keys itself.
        datasource = datasource_text(file.text, file.abs_path.parent if file.abs_path else None)
        if emulates_relations(datasource):
            origin = "prisma-relation-mode"
        elif provider(datasource) in ("postgresql", "postgres", "cockroachdb"):
            origin = "prisma"
        else:
            return None
        tables = prisma_tables(file.text)
        return DeclarationFacts(origin, tuple(tables)) if tables else None

    def _alembic(self, file: SourceFile, migration) -> MigrationFacts | None:
        if migration is None or migration.convention != "alembic" or file.python.tree is None:
            return None
        revision = alembic_revision(file.python.tree)
        return MigrationFacts(
            migration.history, "alembic", migration.order, tuple(upgrade_operations(file.python.tree, self.dialect)),
            False, revision.revision, revision.down_revisions,
        )

    # ------------------------------------------------------------ project

    def check_project(self, facts: dict[str, object], project: ProjectContext) -> Iterable:
        histories: dict[str, list[tuple[str, MigrationFacts]]] = defaultdict(list)
        plans: dict[str, tuple[str, ...]] = {}
        declarations: dict[str, DeclarationFacts] = {}
        script_databases: set[str] = set()
        for path, fact in facts.items():
            if isinstance(fact, PlanFacts):
                plans[fact.history] = fact.changes
            elif isinstance(fact, DeclarationFacts):
                declarations[path] = fact
            elif isinstance(fact, DatabaseFacts):
                script_databases.update(fact.databases)
            elif fact is not None:
                histories[fact.history].append((path, fact))
        # The project's TS/JS code runs on databases that index foreign keys themselves
        # (SQLite aside: a test or local store named beside the real database).
        served = script_databases - self.local_databases
        if served and served <= self.self_indexing_databases:
            histories = defaultdict(list, {h: f for h, f in histories.items() if f[0][1].convention not in SCRIPT_HISTORIES})
            declarations = {p: d for p, d in declarations.items() if d.origin != "typeorm"}
        yield from self._migration_findings(histories, plans)
        yield from self._declaration_findings(declarations, histories)

    def _migration_findings(self, histories, plans) -> Iterable:
        migration_dirs = [h for h in histories if not h.startswith("sql-files:")]
        reported: set[tuple[str, int, tuple[str, ...]]] = set()
        for history, files in sorted(self._with_shared_files(histories).items()):
            if any(fact.self_indexing for _, fact in files):
                continue
            if history.startswith("sql-files:") and _derived_from_migrations(history, migration_dirs):
                continue
            model = SchemaModel()
            for path, fact in in_migration_order(files, plans.get(history)):
                model.replay(path, list(fact.operations))
            convention = files[0][1].convention
            for key in model.uncovered_foreign_keys():
                if (key.path, key.line, key.columns) in reported:
                    continue
                reported.add((key.path, key.line, key.columns))
                yield new_finding(self.rule, key.path, key.line, 1, message(key, convention),
                                  fingerprint_key=f"{key.table}({','.join(key.columns)})")

    def _declaration_findings(self, declarations: dict[str, DeclarationFacts], histories) -> Iterable:
        """Model declarations, for tables no migration history describes
        (where one does, the history is what the database got)."""
        migrated = {
            op.table.name.lower()
            for files in histories.values() for _, fact in files for op in fact.operations
            if isinstance(op, CreateTable)
        }
        prisma_roots = {h.rsplit("/migrations", 1)[0] for h, files in histories.items() if files[0][1].convention == "prisma"}
        for path, fact in sorted(declarations.items()):
            # Migrations describe what the database got, except relations Prisma only emulates.
            if fact.origin == "prisma" and any(
                posixpath.dirname(path) == root or posixpath.dirname(path).startswith(root + "/") for root in prisma_roots
            ):
                continue
            for table in fact.tables:
                if fact.origin in ("sqlalchemy", "typeorm", "drizzle") and table.name.lower() in migrated:
                    continue
                for key in table.uncovered():
                    yield new_finding(self.rule, path, key.line, key.column, declaration_message(fact.origin, table, key),
                                      fingerprint_key=f"{table.name}({','.join(key.columns)})")

    def _with_shared_files(self, histories: dict[str, list]) -> dict[str, list]:
        """Histories with database variants (pop's 0001_x.postgres.up.sql beside
        0001_x.up.sql for every database): the variant for this dialect is its
        own files plus the shared files it does not replace; other databases'
        variants are not this rule's to judge."""
        combined = {}
        for history, files in histories.items():
            base, _, variant = history.partition("#")
            if variant:
                if variant != self.dialect:
                    continue
                own = {fact.order for _, fact in files}
                shared = [(p, f) for p, f in histories.get(base, []) if f.order not in own]
                combined[history] = files + shared
            elif not any(h.startswith(history + "#" + self.dialect) for h in histories):
                combined[history] = files
        return combined


def _derived_from_migrations(history: str, migration_dirs: list[str]) -> bool:
    """A schema dump beside a migration history (dbmate's db/schema.sql next to
    db/migrations/) restates the migrations: reporting it too would double
    every finding."""
    directory = history.removeprefix("sql-files:")
    return any(d == directory or d.startswith(directory + "/") or directory == "" for d in migration_dirs)


def in_migration_order(
    files: list[tuple[str, MigrationFacts]], plan: tuple[str, ...] | None
) -> list[tuple[str, MigrationFacts]]:
    if files[0][1].convention == "alembic":
        return _revision_order(files)
    if plan is not None:
        position = {name: index for index, name in enumerate(plan)}
        return sorted(files, key=lambda item: (position.get(item[1].order[2], len(position)), item[1].order))
    return sorted(files, key=lambda item: (item[1].order, item[0]))


def _revision_order(files: list[tuple[str, MigrationFacts]]) -> list[tuple[str, MigrationFacts]]:
    """Alembic revisions, parents before children (a topological order; ties by path)."""
    by_revision = {fact.revision: (path, fact) for path, fact in files if fact.revision}
    ordered: list[tuple[str, MigrationFacts]] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(item: tuple[str, MigrationFacts]) -> None:
        path, fact = item
        if path in placed or path in visiting:
            return
        visiting.add(path)
        for parent in fact.down_revisions:
            if parent in by_revision:
                place(by_revision[parent])
        visiting.discard(path)
        placed.add(path)
        ordered.append(item)

    for item in sorted(files, key=lambda i: i[0]):
        place(item)
    return ordered


# PostgreSQL's reserved key words: as identifiers they must be quoted.
RESERVED = frozenset("""
    all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
    current_catalog current_date current_role current_time current_timestamp current_user default deferrable
    desc distinct do else end except false fetch for foreign from grant group having in initially intersect
    into lateral leading limit localtime localtimestamp not null offset on only or order placing primary
    references returning select session_user some symmetric system_user table then to trailing true union
    unique user using variadic when where window with
""".split())


def quote(name: str) -> str:
    if SAFE_IDENTIFIER_RE.match(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(table: TableName) -> str:
    return quote(table.name) if table.schema == DEFAULT_SCHEMA else f"{quote(table.schema)}.{quote(table.name)}"


def message(key: UncoveredForeignKey, convention: str) -> str:
    table, columns = qualified(key.table), ", ".join(quote(c) for c in key.columns)
    listed = ", ".join(f"'{c}'" for c in key.columns)
    if convention == "knex":
        remedy = f"table.index([{listed}]) in a migration's alterTable('{key.table}', (table) => ...)"
    elif convention == "sequelize":
        remedy = f"queryInterface.addIndex('{key.table}', [{listed}]) in a migration"
    elif convention == "alembic":
        # Alembic's naming convention: ix_<table>_<columns>
        index = "_".join(["ix", key.table.name, *key.columns])[:MAX_IDENTIFIER]
        listed = ", ".join(f'"{c}"' for c in key.columns)
        schema = "" if key.table.schema == DEFAULT_SCHEMA else f', schema="{key.table.schema}"'
        remedy = f'op.create_index("{index}", "{key.table.name}", [{listed}]{schema})'
    else:
        index = "_".join([key.table.name, *key.columns, "idx"])[:MAX_IDENTIFIER]
        remedy = f"CREATE INDEX CONCURRENTLY {quote(index)} ON {table} ({columns});"
    return (
        f"foreign key {table}({columns}) -> {qualified(key.references)} has no index on its columns: "
        f"deleting or updating a row in {qualified(key.references)} scans {table}, and joins on it cannot use "
        f"an index; add `{remedy}`"
    )


def declaration_message(origin: str, table: DeclaredTable, key: DeclaredForeignKey) -> str:
    columns = ", ".join(key.columns)
    consequence = f"deleting or updating a row in {key.references} scans {table.name}, and joins on it cannot use an index"
    if origin == "django":
        field = key.columns[0]
        return (f"{table.model}.{field} is a ForeignKey with db_index=False and no index in Meta starts with it: "
                f"{consequence}; remove db_index=False or add models.Index(fields=[\"{field}\"])")
    if origin == "prisma-relation-mode":
        return (f"relation {table.model}({columns}) -> {key.references} has no @@index([{columns}]): with "
                f"relationMode = \"prisma\" the database has no foreign key, so nothing indexes it and Prisma's "
                f"emulated referential actions and relation queries scan {table.name}; add @@index([{columns}]) "
                f"to model {table.model}")
    if origin == "typeorm":
        return (f"relation {table.model}({columns}) -> {key.references} has no index (TypeORM does not index "
                f"foreign key columns on PostgreSQL): {consequence}; add @Index() to the relation, or "
                f"@Index([{', '.join(repr(c) for c in key.columns)}]) to the entity")
    if origin == "drizzle":
        first = key.columns[0]
        on = ", ".join(f"table.{c}" for c in key.columns)
        return (f"foreign key {table.name}({columns}) -> {key.references} has no index: {consequence}; add "
                f"index('{table.name}_{first}_idx').on({on}) to the table's extras callback")
    if origin == "prisma":
        return (f"relation {table.model}({columns}) -> {key.references} has no @@index([{columns}]) "
                f"(PostgreSQL does not index foreign keys): {consequence}; add @@index([{columns}]) to model {table.model}")
    remedy = ("index=True to the column" if len(key.columns) == 1
              else f"Index(\"ix_{table.name}_{'_'.join(key.columns)}\", {', '.join(repr(c) for c in key.columns)}) to __table_args__")
    return f"foreign key {table.name}({columns}) -> {key.references} has no index: {consequence}; add {remedy}"
