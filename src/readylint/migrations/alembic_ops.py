"""Alembic's `op.*` calls in a revision's upgrade() as schema operations.

`op.create_table` with `sa.Column(..., sa.ForeignKey(...), index=True)` and
table constraints, `op.add_column`, `op.create_foreign_key`,
`op.create_index`, drops and renames, the same calls on a
`batch_alter_table` context, and `op.execute("<SQL>")` (read as SQL) feed the
same schema model as SQL migrations. SQLAlchemy quotes mixed-case names, so
names are kept exactly as written.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Iterator

from readylint.sql.schema import (
    DEFAULT_SCHEMA, AddForeignKey, AddIndex, CreateTable, DropColumn, DropConstraint, DropIndex, DropTable,
    Operation, RenameColumn, RenameTable, TableName,
)
from readylint.sql.statements import split_statements

# Database names an upgrade() branches on (`if bind.dialect.name == "mysql":`).
DIALECT_WORDS = ("mysql", "mariadb", "sqlite", "mssql", "oracle", "postgres")

# batch_op.X(...) is op.X(...) without the table argument, which goes here.
BATCH_TABLE_POSITION = {
    "add_column": 0, "drop_column": 0, "alter_column": 0,
    "create_index": 1, "create_foreign_key": 1, "create_unique_constraint": 1,
    "create_primary_key": 1, "drop_constraint": 1,
}


def upgrade_operations(tree: ast.Module, dialect: str = "postgres") -> list[Operation]:
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    upgrade = functions.pop("upgrade", None)
    if upgrade is None:
        return []
    reader = _Reader(dialect, functions)
    return list(reader.block(upgrade.body, {}))


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    # op.f("ix_name"): a name Alembic must not convert.
    if isinstance(node, ast.Call) and _callee(node) == "f" and node.args:
        return _string(node.args[0])
    return None


def _strings(node: ast.expr | None) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        values = tuple(_string(e) for e in node.elts)
        return values if values and None not in values else None
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _target(column_ref: str, schema: str) -> tuple[TableName, str] | None:
    """"users.id" or "auth.users.id" -> (table, column)."""
    parts = column_ref.split(".")
    if len(parts) == 2:
        return TableName(schema, parts[0]), parts[1]
    if len(parts) == 3:
        return TableName(parts[0], parts[1]), parts[2]
    return None


class _Reader:
    def __init__(self, dialect: str, helpers: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]):
        self.dialect = dialect
        # The module's other functions: upgrade() often calls helpers that
        # create the indexes. Each is read once, where it is first called.
        self.helpers = helpers

    def block(self, body: list[ast.stmt], batches: dict[str, tuple[str, str]]) -> Iterator[Operation]:
        for statement in body:
            if isinstance(statement, (ast.With, ast.AsyncWith)):
                inner = dict(batches)
                for item in statement.items:
                    call = item.context_expr
                    if (isinstance(call, ast.Call) and _callee(call) == "batch_alter_table"
                            and isinstance(item.optional_vars, ast.Name) and _string(call.args[0] if call.args else None)):
                        schema = _string(_keyword(call, "schema")) or DEFAULT_SCHEMA
                        inner[item.optional_vars.id] = (_string(call.args[0]), schema)
                yield from self.block(statement.body, inner)
                continue
            if isinstance(statement, ast.If):
                branch = self.dialect_branch(statement.test)
                if branch is not False:
                    yield from self.block(statement.body, batches)
                if branch is not True:
                    yield from self.block(statement.orelse, batches)
                continue
            if isinstance(statement, (ast.For, ast.While, ast.Try)):
                yield from self.block(statement.body, batches)
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    yield from self.call(node, batches)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.helpers:
                    yield from self.block(self.helpers.pop(node.func.id).body, batches)

    def dialect_branch(self, test: ast.expr) -> bool | None:
        """For `if <database is X>:` -- True: only the body runs on this
        dialect's database; False: only the else branch; None: cannot tell
        (not a test of the database), both may run."""
        named = {word for word in DIALECT_WORDS if word in ast.unparse(test).lower()}
        if not named:
            return None
        ours = any(self.dialect.startswith(word) or word.startswith(self.dialect) for word in named)
        negated = (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)) or (
            isinstance(test, ast.Compare) and any(isinstance(o, (ast.NotEq, ast.IsNot, ast.NotIn)) for o in test.ops)
        )
        return ours != negated

    def call(self, call: ast.Call, batches: dict[str, tuple[str, str]]) -> Iterator[Operation]:
        owner = call.func.value
        if not isinstance(owner, ast.Name):
            return
        name = call.func.attr
        args = list(call.args)
        schema = _string(_keyword(call, "schema")) or _string(_keyword(call, "source_schema")) or DEFAULT_SCHEMA
        if owner.id in batches:
            table, schema = batches[owner.id]
            if name not in BATCH_TABLE_POSITION and name != "drop_index":
                return
            if name in BATCH_TABLE_POSITION:
                args.insert(BATCH_TABLE_POSITION[name], ast.Constant(table))
        elif owner.id != "op":
            return
        handler = getattr(self, "op_" + name, None)
        if handler is not None:
            yield from handler(call, args, schema)

    # ------------------------------------------------------------ op.* calls

    def op_create_table(self, call, args, schema):
        name = _string(args[0]) if args else None
        if name is None:
            return
        table = TableName(schema, name)
        yield CreateTable(table, call.lineno)
        primary: list[str] = []
        for element in args[1:]:
            if not isinstance(element, ast.Call):
                continue
            kind = _callee(element)
            if kind == "Column":
                yield from self.column(table, element, primary)
            elif kind in ("PrimaryKeyConstraint", "UniqueConstraint"):
                columns = tuple(_string(a) for a in element.args)
                if columns and None not in columns:
                    yield AddIndex(table, _string(_keyword(element, "name")), columns, element.lineno,
                                   constraint=True, kind="primary key" if kind.startswith("Primary") else "unique")
            elif kind == "ForeignKeyConstraint" and len(element.args) >= 2:
                local, remote = _strings(element.args[0]), _strings(element.args[1])
                target = _target(remote[0], schema) if remote else None
                if local and target:
                    yield AddForeignKey(table, _string(_keyword(element, "name")), local, target[0], element.lineno)
            elif kind == "Index" and element.args:
                columns = tuple(_string(a) for a in element.args[1:])
                if columns:
                    yield AddIndex(table, _string(element.args[0]), columns, element.lineno,
                                   partial=_keyword(element, "postgresql_where") is not None,
                                   kind="unique index" if _is_true(_keyword(element, "unique")) else "index")
        if primary:
            yield AddIndex(table, None, tuple(primary), call.lineno, constraint=True, kind="primary key")

    def column(self, table: TableName, column: ast.Call, primary: list[str] | None) -> Iterator[Operation]:
        name = _string(column.args[0]) if column.args else None
        if name is None:
            return
        for arg in column.args[1:]:
            if isinstance(arg, ast.Call) and _callee(arg) == "ForeignKey" and arg.args:
                ref = _string(arg.args[0])
                target = _target(ref, table.schema) if ref else None
                if target:
                    yield AddForeignKey(table, _string(_keyword(arg, "name")), (name,), target[0], column.lineno)
        if _is_true(_keyword(column, "primary_key")):
            if primary is None:
                yield AddIndex(table, None, (name,), column.lineno, constraint=True, kind="primary key")
            else:
                primary.append(name)
        if _is_true(_keyword(column, "unique")):
            yield AddIndex(table, None, (name,), column.lineno, constraint=True, kind="unique")
        if _is_true(_keyword(column, "index")):
            yield AddIndex(table, f"ix_{table.name}_{name}", (name,), column.lineno)

    def op_add_column(self, call, args, schema):
        name = _string(args[0]) if args else None
        if name and len(args) > 1 and isinstance(args[1], ast.Call) and _callee(args[1]) == "Column":
            yield from self.column(TableName(schema, name), args[1], None)

    def op_create_foreign_key(self, call, args, schema):
        if len(args) < 4:
            return
        source, referent, local = _string(args[1]), _string(args[2]), _strings(args[3])
        referent_schema = _string(_keyword(call, "referent_schema")) or DEFAULT_SCHEMA
        if source and referent and local:
            yield AddForeignKey(TableName(schema, source), _string(args[0]), local,
                                TableName(referent_schema, referent), call.lineno)

    def op_create_index(self, call, args, schema):
        if len(args) < 3:
            return
        table = _string(args[1])
        columns = args[2]
        if table is None or not isinstance(columns, (ast.List, ast.Tuple)) or not columns.elts:
            return
        partial = any(k.arg and k.arg.endswith("_where") for k in call.keywords)
        kind = "unique index" if _is_true(_keyword(call, "unique")) else "index"
        yield AddIndex(TableName(schema, table), _string(args[0]), tuple(_string(e) for e in columns.elts),
                       call.lineno, partial=partial, kind=kind)

    def op_create_primary_key(self, call, args, schema):
        yield from self._constraint(call, args, schema, "primary key")

    def op_create_unique_constraint(self, call, args, schema):
        yield from self._constraint(call, args, schema, "unique")

    def _constraint(self, call, args, schema, kind):
        if len(args) >= 3 and _string(args[1]) and _strings(args[2]):
            yield AddIndex(TableName(schema, _string(args[1])), _string(args[0]), _strings(args[2]), call.lineno,
                           constraint=True, kind=kind)

    def op_drop_index(self, call, args, schema):
        name = _string(args[0]) if args else _string(_keyword(call, "index_name"))
        if name:
            yield DropIndex(_string(_keyword(call, "schema")), name, call.lineno)

    def op_drop_table(self, call, args, schema):
        if args and _string(args[0]):
            yield DropTable(TableName(schema, _string(args[0])), call.lineno)

    def op_drop_column(self, call, args, schema):
        if len(args) >= 2 and _string(args[0]) and _string(args[1]):
            yield DropColumn(TableName(schema, _string(args[0])), _string(args[1]), call.lineno)

    def op_rename_table(self, call, args, schema):
        if len(args) >= 2 and _string(args[0]) and _string(args[1]):
            yield RenameTable(TableName(schema, _string(args[0])), _string(args[1]), call.lineno)

    def op_alter_column(self, call, args, schema):
        new_name = _string(_keyword(call, "new_column_name"))
        if new_name and len(args) >= 2 and _string(args[0]) and _string(args[1]):
            yield RenameColumn(TableName(schema, _string(args[0])), _string(args[1]), new_name, call.lineno)

    def op_drop_constraint(self, call, args, schema):
        if len(args) >= 2 and _string(args[0]) and _string(args[1]):
            yield DropConstraint(TableName(schema, _string(args[1])), _string(args[0]), call.lineno)

    def op_execute(self, call, args, schema):
        sql = _string(args[0]) if args else None
        if sql is None:
            return
        for statement in split_statements(sql, self.dialect):
            from readylint.sql.operations import statement_operations  # imports sqlglot

            for operation in statement_operations(statement, self.dialect):
                # Every statement of the string is reported on the call's line.
                yield dataclasses.replace(operation, line=call.lineno)
