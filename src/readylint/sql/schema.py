"""A schema model built by replaying schema operations in migration order.

Operations are small, picklable facts (extracted from SQL statements by
`readylint.sql.operations`, or from Alembic's `op.*` calls), so workers can
extract them and the project pass can replay a whole history. The model
tracks what decides whether a foreign key is indexed: tables, their indexes
(including those behind primary keys and unique constraints) and their
foreign keys, through later drops and renames.

Names are normalised as PostgreSQL does: unquoted identifiers fold to lower
case, quoted ones keep their case; an unqualified table lives in `public`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

DEFAULT_SCHEMA = "public"
# The schema of a name written without one: the search path decides, when
# the operation is replayed (SET search_path in the same file, else public).
UNQUALIFIED = ""


@dataclass(frozen=True, order=True)
class TableName:
    schema: str
    name: str

    def __str__(self) -> str:
        return self.name if self.schema in (DEFAULT_SCHEMA, UNQUALIFIED) else f"{self.schema}.{self.name}"


# ---------------------------------------------------------------- operations
# Each carries the 1-based line of the file it came from.


@dataclass(frozen=True)
class CreateTable:
    table: TableName
    line: int
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropTable:
    table: TableName
    line: int


@dataclass(frozen=True)
class RenameTable:
    table: TableName
    new_name: str
    line: int


@dataclass(frozen=True)
class DropColumn:
    table: TableName
    column: str
    line: int


@dataclass(frozen=True)
class RenameColumn:
    table: TableName
    column: str
    new_name: str
    line: int


@dataclass(frozen=True)
class AddIndex:
    """An index, or the index behind a primary key or unique constraint."""

    table: TableName
    name: str | None
    # Key columns in order; None for an expression key. INCLUDE columns are not keys.
    columns: tuple[str | None, ...]
    line: int
    partial: bool = False
    constraint: bool = False  # backs a PRIMARY KEY / UNIQUE constraint (dropped by DROP CONSTRAINT)
    kind: str = "index"  # index | unique index | primary key | unique


@dataclass(frozen=True)
class AddForeignKey:
    table: TableName
    name: str | None
    columns: tuple[str, ...]
    references: TableName
    line: int


@dataclass(frozen=True)
class DropConstraint:
    table: TableName
    name: str
    line: int


@dataclass(frozen=True)
class RenameConstraint:
    table: TableName
    name: str
    new_name: str
    line: int


@dataclass(frozen=True)
class SetSearchPath:
    schema: str
    line: int


@dataclass(frozen=True)
class DropIndex:
    schema: str | None  # None: unqualified
    name: str
    line: int


@dataclass(frozen=True)
class RenameIndex:
    schema: str | None
    name: str
    new_name: str
    line: int


Operation = (
    CreateTable | DropTable | RenameTable | DropColumn | RenameColumn | AddIndex | AddForeignKey
    | DropConstraint | RenameConstraint | DropIndex | RenameIndex | SetSearchPath
)


# ---------------------------------------------------------------- the model


@dataclass
class Index:
    columns: tuple[str | None, ...]
    partial: bool
    constraint: bool
    kind: str

    @property
    def unique(self) -> bool:
        return self.kind != "index"


@dataclass
class ForeignKey:
    columns: tuple[str, ...]
    references: TableName
    path: str
    line: int


@dataclass
class Table:
    name: TableName
    known: bool  # created in the history (not only referred to)
    indexes: dict[str, Index] = field(default_factory=dict)
    foreign_keys: dict[str, ForeignKey] = field(default_factory=dict)

    def covering_index(self, columns: tuple[str, ...]) -> str | None:
        """The name of a non-partial index that covers these foreign key columns."""
        for name, index in self.indexes.items():
            if not index.partial and covers(index.columns, index.unique, columns):
                return name
        return None


def covers(key: tuple[str | None, ...], unique: bool, columns: tuple[str, ...]) -> bool:
    """Does an index with these key columns serve lookups by a foreign key's
    columns? Yes when its leading key columns are the foreign key's, in order
    (the definition splinter and Eugene use), and also when it is unique and
    all its columns are among the foreign key's: each lookup then reads at
    most one row (a primary key (a, b) under a foreign key (a, b, c))."""
    if key[: len(columns)] == columns:
        return True
    return unique and bool(key) and None not in key and set(key) <= set(columns)


@dataclass(frozen=True)
class UncoveredForeignKey:
    table: TableName
    columns: tuple[str, ...]
    references: TableName
    path: str
    line: int


class SchemaModel:
    def __init__(self) -> None:
        self.tables: dict[TableName, Table] = {}

    def replay(self, path: str, operations: list[Operation]) -> None:
        """Apply one file's operations. Each file starts with the default
        search path, as a migration tool's session would."""
        search_schema = DEFAULT_SCHEMA
        for operation in operations:
            if isinstance(operation, SetSearchPath):
                search_schema = operation.schema
                continue
            qualified = {
                name: TableName(search_schema, value.name)
                for name in ("table", "references")
                if isinstance(value := getattr(operation, name, None), TableName) and value.schema == UNQUALIFIED
            }
            if qualified:
                operation = dataclasses.replace(operation, **qualified)
            handler = getattr(self, "_" + type(operation).__name__)
            handler(path, operation)

    def uncovered_foreign_keys(self) -> list[UncoveredForeignKey]:
        """Foreign keys on tables the history created, with no index that covers them."""
        found = []
        for table in self.tables.values():
            if not table.known:
                continue
            for key in table.foreign_keys.values():
                if table.covering_index(key.columns) is None:
                    found.append(UncoveredForeignKey(table.name, key.columns, key.references, key.path, key.line))
        return sorted(found, key=lambda k: (k.path, k.line, k.columns))

    # -------------------------------------------------------------- handlers

    def _table(self, name: TableName) -> Table:
        if name not in self.tables:
            self.tables[name] = Table(name, known=False)
        return self.tables[name]

    def _CreateTable(self, path: str, op: CreateTable) -> None:
        existing = self.tables.get(op.table)
        if existing is not None and existing.known and op.if_not_exists:
            return
        if existing is not None and not existing.known:
            # Keys and indexes seen before the table in a history whose files
            # are not ordered by the tool (Liquibase's directories): keep them.
            existing.known = True
            return
        self.tables[op.table] = Table(op.table, known=True)

    def _DropTable(self, path: str, op: DropTable) -> None:
        self.tables.pop(op.table, None)
        # Foreign keys to it went with it (DROP ... CASCADE; without CASCADE
        # the drop succeeds only when there were none).
        for table in self.tables.values():
            table.foreign_keys = {n: k for n, k in table.foreign_keys.items() if k.references != op.table}

    def _RenameTable(self, path: str, op: RenameTable) -> None:
        table = self.tables.pop(op.table, None)
        new_name = TableName(op.table.schema, op.new_name)
        for other in self.tables.values():
            for key in other.foreign_keys.values():
                if key.references == op.table:
                    key.references = new_name
        if table is None:
            return
        table.name = new_name
        self.tables[new_name] = table

    def _DropColumn(self, path: str, op: DropColumn) -> None:
        table = self._table(op.table)
        # PostgreSQL drops the indexes and constraints that use the column.
        table.indexes = {n: i for n, i in table.indexes.items() if op.column not in i.columns}
        table.foreign_keys = {n: k for n, k in table.foreign_keys.items() if op.column not in k.columns}

    def _RenameColumn(self, path: str, op: RenameColumn) -> None:
        table = self._table(op.table)

        def renamed(columns):
            return tuple(op.new_name if c == op.column else c for c in columns)

        for index in table.indexes.values():
            index.columns = renamed(index.columns)
        for key in table.foreign_keys.values():
            key.columns = renamed(key.columns)

    def _AddIndex(self, path: str, op: AddIndex) -> None:
        table = self._table(op.table)
        suffix = {"primary key": "pkey", "unique": "key"}.get(op.kind, "idx")
        name = op.name or _default_name(op.table, op.columns, suffix)
        table.indexes[name] = Index(op.columns, op.partial, op.constraint, op.kind)

    def _AddForeignKey(self, path: str, op: AddForeignKey) -> None:
        table = self._table(op.table)
        name = op.name or _default_name(op.table, op.columns, "fkey")
        # A key redefined (dropped under a name the history does not show,
        # re-added with ON DELETE CASCADE) is one key: keep the latest.
        table.foreign_keys = {
            n: k for n, k in table.foreign_keys.items()
            if (k.columns, k.references) != (op.columns, op.references)
        }
        table.foreign_keys[name] = ForeignKey(op.columns, op.references, path, op.line)

    def _DropConstraint(self, path: str, op: DropConstraint) -> None:
        table = self._table(op.table)
        table.foreign_keys.pop(op.name, None)
        if op.name in table.indexes and table.indexes[op.name].constraint:
            del table.indexes[op.name]

    def _RenameConstraint(self, path: str, op: RenameConstraint) -> None:
        table = self._table(op.table)
        for keys in (table.foreign_keys, table.indexes):
            if op.name in keys and (keys is table.foreign_keys or keys[op.name].constraint):
                keys[op.new_name] = keys.pop(op.name)

    def _tables_with_index(self, schema: str | None, name: str) -> list[Table]:
        return [
            t for t in self.tables.values()
            if name in t.indexes and (schema is None or t.name.schema == schema)
        ]

    def _DropIndex(self, path: str, op: DropIndex) -> None:
        for table in self._tables_with_index(op.schema, op.name)[:1]:
            del table.indexes[op.name]

    def _RenameIndex(self, path: str, op: RenameIndex) -> None:
        for table in self._tables_with_index(op.schema, op.name)[:1]:
            table.indexes[op.new_name] = table.indexes.pop(op.name)


def _default_name(table: TableName, columns: tuple[str | None, ...], suffix: str) -> str:
    """PostgreSQL's name for an unnamed index or constraint: orders_user_id_fkey."""
    if suffix == "pkey":
        return f"{table.name}_pkey"
    return "_".join([table.name, *(c or "expr" for c in columns), suffix])


# ---------------------------------------------------------------- declarations
# Tables declared by ORM models (SQLAlchemy, Django, Prisma) rather than
# built by migrations: judged on their own, where no history describes them.


@dataclass(frozen=True)
class DeclaredForeignKey:
    columns: tuple[str, ...]
    references: str
    line: int
    column: int  # 1-based


@dataclass(frozen=True)
class DeclaredTable:
    name: str  # the table's name (or the model's, when the ORM derives it)
    model: str  # the class or model that declares it
    foreign_keys: tuple[DeclaredForeignKey, ...]
    # Key columns of its non-partial indexes, and of those that are unique
    # (primary key, unique constraints and indexes).
    keys: tuple[tuple[str, ...], ...]
    unique_keys: tuple[tuple[str, ...], ...] = ()

    def uncovered(self) -> list[DeclaredForeignKey]:
        return [
            key for key in self.foreign_keys
            if not any(covers(index, False, key.columns) for index in self.keys)
            and not any(covers(index, True, key.columns) for index in self.unique_keys)
        ]
