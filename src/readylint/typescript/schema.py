"""TS/JS schema code as RL402's facts: knex and Sequelize migrations become
schema operations (`readylint.sql.schema`), replayed like SQL histories;
TypeORM entities and Drizzle tables become declared tables.

Everything starts from the file's node index (`ScriptParse.of`): the calls,
classes, fields and decorators the one query captured. From a call, only
its own chain (`t.integer('x').references('id').inTable('users')`) and its
arguments are read.

Names are kept as written: knex, Sequelize, TypeORM and Drizzle quote every
identifier they emit, so `userId` stays `userId` in the database.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from typing import Any, Iterator

from readylint.sql.schema import (
    UNQUALIFIED, AddForeignKey, AddIndex, CreateTable, DeclaredForeignKey, DeclaredTable, DropColumn, DropConstraint,
    DropIndex, DropTable, Operation, RenameColumn, RenameTable, TableName,
)
from readylint.sql.statements import split_statements
from readylint.typescript.migrations import read_migration
from readylint.typescript.tree import FUNCTION_KINDS, ScriptParse, string_value, text, unwrapped


# ---------------------------------------------------------------- reading calls


def up_calls(parse: ScriptParse) -> list[Any]:
    """The calls of the migration's `up` (its `down` undoes them)."""
    up = read_migration(parse).up
    if up is None:
        return []
    start, end = up.span
    return [call for call in parse.of("call") if start <= call.start_byte < end]


def member_call(call: Any) -> tuple[Any, str] | None:
    """`receiver.name(...)` -> (receiver, name)."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    prop = function.child_by_field_name("property")
    return function.child_by_field_name("object"), text(prop) if prop is not None else ""


def method_position(call: Any) -> int:
    """Where a call's method name is: calls chained on one receiver
    (`knex.schema.dropTable('a').createTable('a', ...)`) all start where the
    chain does, and run in the order of their names."""
    function = call.child_by_field_name("function")
    prop = function.child_by_field_name("property") if function is not None and function.type == "member_expression" else None
    return (prop or call).start_byte


def arguments(call: Any) -> list[Any]:
    node = call.child_by_field_name("arguments")
    return [c for c in node.named_children if c.type != "comment"] if node is not None else []


def chain_above(call: Any) -> list[tuple[str, Any]]:
    """The calls chained on this call's result, innermost first:
    `t.integer('a').unsigned().references('id')` from `t.integer('a')` ->
    [("unsigned", call), ("references", call)]."""
    chained = []
    node = call
    while (member := node.parent) is not None and member.type == "member_expression" \
            and (outer := member.parent) is not None and outer.type == "call_expression" \
            and outer.child_by_field_name("function") == member:
        prop = member.child_by_field_name("property")
        chained.append((text(prop) if prop is not None else "", outer))
        node = outer
    return chained


def strings(node: Any) -> tuple[str, ...]:
    """A string, or an array of strings, as a tuple (empty for anything else)."""
    node = unwrapped(node)
    if node is None:
        return ()
    single = string_value(node)
    if single is not None:
        return (single,)
    if node.type == "array":
        values = tuple(string_value(c) for c in node.named_children)
        return values if values and None not in values else ()
    return ()


def object_fields(node: Any) -> dict[str, Any]:
    """`{ a: 1, 'b': x }` -> {"a": <1>, "b": <x>} (values unwrapped)."""
    node = unwrapped(node)
    if node is None or node.type != "object":
        return {}
    fields = {}
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        name = string_value(key) if key.type == "string" else text(key)
        if name is not None:
            fields[name] = unwrapped(pair.child_by_field_name("value"))
    return fields


def is_true(node: Any) -> bool:
    return node is not None and node.type == "true"


def line_of(node: Any) -> int:
    return node.start_point[0] + 1


def first_string(nodes: list[Any], index: int) -> str | None:
    return string_value(unwrapped(nodes[index])) if len(nodes) > index else None


def raw_sql_operations(call: Any, dialect: str) -> list[Operation]:
    """`knex.raw('CREATE INDEX ...')`, `sequelize.query(...)`: the literal's
    statements, each reported on the call's line."""
    from readylint.sql.operations import statement_operations  # imports sqlglot

    args = arguments(call)
    sql = first_string(args, 0)
    if not sql:
        return []
    return [dataclasses.replace(op, line=line_of(call))
            for statement in split_statements(sql, dialect) for op in statement_operations(statement, dialect)]


def _table(name: str) -> TableName:
    schema, _, table = name.rpartition(".")
    return TableName(schema or UNQUALIFIED, table)


# ---------------------------------------------------------------- knex


KNEX_TABLE_METHODS = {"createTable": True, "createTableIfNotExists": True, "alterTable": False, "table": False}
KNEX_AUTO_INCREMENT = frozenset({"increments", "bigIncrements", "bigincrements"})


def _knex_name(table: str, columns: tuple[str, ...], kind: str) -> str:
    """knex's name for an unnamed key or index: orders_user_id_foreign."""
    return "_".join([table, *columns, kind]).lower().replace("-", "_").replace(".", "_")


def knex_operations(parse: ScriptParse, dialect: str) -> list[Operation]:
    builders = []  # (start, end, parameter name, table, table name as written)
    operations: list[tuple[int, Operation]] = []  # (method position, op): the order they run in
    calls = up_calls(parse)
    for call in calls:
        found = member_call(call)
        if found is None:
            continue
        method = found[1]
        args = arguments(call)
        table = first_string(args, 0)
        if method in KNEX_TABLE_METHODS and table and len(args) > 1 and unwrapped(args[1]).type in FUNCTION_KINDS:
            callback = unwrapped(args[1])
            parameter = _first_parameter(callback)
            if parameter:
                builders.append((callback.start_byte, callback.end_byte, parameter, _table(table), table))
            if KNEX_TABLE_METHODS[method]:
                operations.append((method_position(call), CreateTable(_table(table), line_of(call))))
        elif method in ("dropTable", "dropTableIfExists") and table:
            operations.append((method_position(call), DropTable(_table(table), line_of(call))))
        elif method == "renameTable" and table and first_string(args, 1):
            operations.append((method_position(call), RenameTable(_table(table), first_string(args, 1), line_of(call))))
        elif method == "raw":
            operations += [(method_position(call), op) for op in raw_sql_operations(call, dialect)]
    if builders:
        for call in calls:
            found = member_call(call)
            if found is None or found[0].type != "identifier":
                continue
            scope = _innermost(builders, call, text(found[0]))
            if scope is not None:
                operations += [(method_position(call), op) for op in _knex_builder_call(call, found[1], scope)]
    return [op for _, op in sorted(operations, key=lambda item: item[0])]


def _first_parameter(function: Any) -> str | None:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:  # `t => {...}`
        parameter = function.child_by_field_name("parameter")
        return text(parameter) if parameter is not None else None
    for parameter in parameters.named_children:
        name = parameter.child_by_field_name("pattern") if parameter.type != "identifier" else parameter
        return text(name) if name is not None and name.type == "identifier" else None
    return None


def _innermost(builders: list, call: Any, receiver: str):
    inside = [b for b in builders if b[0] <= call.start_byte < b[1] and b[2] == receiver]
    return max(inside, key=lambda b: b[0]) if inside else None


def _knex_builder_call(call: Any, method: str, scope) -> Iterator[Operation]:
    _, _, _, table, written = scope
    args = arguments(call)
    line = line_of(call)
    columns = strings(args[0]) if args else ()
    name = first_string(args, 1)
    chain = chain_above(call)
    if method == "foreign" and columns:
        target = _knex_reference(chain)
        if target is not None:
            yield AddForeignKey(table, name or _knex_name(written, columns, "foreign"), columns, target, line)
    elif method in ("index", "unique", "primary") and columns:
        kind = {"index": "index", "unique": "unique", "primary": "primary key"}[method]
        options = object_fields(args[1]) if len(args) > 1 else {}
        partial = "predicate" in options
        index_name = name or (string_value(options["indexName"]) if "indexName" in options else None)
        yield AddIndex(table, index_name or _knex_name(written, columns, method), columns, line,
                       partial=partial, constraint=method != "index", kind=kind)
    elif method == "dropForeign" and (name or columns):
        yield DropConstraint(table, name or _knex_name(written, columns, "foreign"), line)
    elif method in ("dropIndex", "dropUnique") and (name or columns):
        index_name = name or _knex_name(written, columns, method.removeprefix("drop").lower())
        yield (DropIndex(None, index_name, line) if method == "dropIndex" else DropConstraint(table, index_name, line))
    elif method in ("dropColumn", "dropColumns"):
        yield from (DropColumn(table, column, line) for arg in args for column in strings(arg))
    elif method == "renameColumn" and columns and name:
        yield RenameColumn(table, columns[0], name, line)
    elif method in KNEX_AUTO_INCREMENT:
        yield AddIndex(table, None, columns or ("id",), line, constraint=True, kind="primary key")
    elif len(columns) == 1:  # a column: t.integer('user_id').references('id').inTable('users')
        called = {chained for chained, _ in chain}
        if "references" in called:
            target = _knex_reference(chain)
            if target is not None:
                yield AddForeignKey(table, _knex_name(written, columns, "foreign"), columns, target, line)
        if "primary" in called:
            yield AddIndex(table, None, columns, line, constraint=True, kind="primary key")
        if "unique" in called:
            yield AddIndex(table, _knex_name(written, columns, "unique"), columns, line, constraint=True, kind="unique")
        if "index" in called:
            yield AddIndex(table, _knex_name(written, columns, "index"), columns, line)


def _knex_reference(chain: list[tuple[str, Any]]) -> TableName | None:
    """`.references('users.id')`, or `.references('id').inTable('users')` / `.on('users')`."""
    target = None
    for method, call in chain:
        args = arguments(call)
        if method == "references":
            referenced = first_string(args, 0) or ""
            if "." in referenced:
                target = _table(referenced.rsplit(".", 1)[0])
        elif method in ("inTable", "on") and first_string(args, 0):
            target = _table(first_string(args, 0))
    return target


# ---------------------------------------------------------------- Sequelize


def _sequelize_index_name(table: str, columns: tuple[str, ...]) -> str:
    """Sequelize's name for an unnamed index: orders_user_id."""
    return "_".join([table, *columns]).lower()


def sequelize_operations(parse: ScriptParse, dialect: str) -> list[Operation]:
    operations: list[Operation] = []
    for call in sorted(up_calls(parse), key=method_position):
        found = member_call(call)
        if found is None:
            continue
        method = found[1]
        args = arguments(call)
        written = first_string(args, 0)
        line = line_of(call)
        if method == "query":
            operations += raw_sql_operations(call, dialect)
            continue
        if not written:
            continue
        table = _table(written)
        if method == "createTable" and len(args) > 1:
            operations.append(CreateTable(table, line))
            primary = []
            for column, attributes in object_fields(args[1]).items():
                operations += _sequelize_column(table, column, attributes, line_of(attributes))
                if is_true(object_fields(attributes).get("primaryKey")):
                    primary.append(column)
            if primary:
                operations.append(AddIndex(table, None, tuple(primary), line, constraint=True, kind="primary key"))
        elif method in ("addColumn", "changeColumn") and len(args) > 2 and first_string(args, 1):
            operations += _sequelize_column(table, first_string(args, 1), args[2], line)
        elif method == "addIndex" and len(args) > 1:
            options = object_fields(args[1])
            if not options and len(args) > 2:
                options = object_fields(args[2])
            fields = strings(args[1]) or _field_names(options.get("fields"))
            if fields:
                name = string_value(options["name"]) if "name" in options else None
                unique = is_true(options.get("unique"))
                operations.append(AddIndex(table, name or _sequelize_index_name(written, fields), fields, line,
                                           partial="where" in options, kind="unique index" if unique else "index"))
        elif method == "addConstraint" and len(args) > 1:
            options = object_fields(args[1]) or (object_fields(args[2]) if len(args) > 2 else {})
            fields = strings(args[1]) or _field_names(options.get("fields"))
            kind = (string_value(options["type"]) or "").lower() if "type" in options else ""
            name = string_value(options["name"]) if "name" in options else None
            if fields and kind == "foreign key":
                reference = object_fields(options.get("references"))
                target = string_value(reference["table"]) if "table" in reference else None
                if target:
                    operations.append(AddForeignKey(table, name, fields, _table(target), line))
            elif fields and kind in ("unique", "primary key"):
                operations.append(AddIndex(table, name, fields, line, constraint=True, kind=kind))
        elif method == "removeColumn" and first_string(args, 1):
            operations.append(DropColumn(table, first_string(args, 1), line))
        elif method == "dropTable":
            operations.append(DropTable(table, line))
        elif method == "renameTable" and first_string(args, 1):
            operations.append(RenameTable(table, first_string(args, 1), line))
        elif method == "renameColumn" and first_string(args, 1) and first_string(args, 2):
            operations.append(RenameColumn(table, first_string(args, 1), first_string(args, 2), line))
        elif method == "removeIndex" and len(args) > 1:
            fields = strings(args[1])
            name = fields[0] if string_value(unwrapped(args[1])) else _sequelize_index_name(written, fields)
            operations.append(DropIndex(None, name, line))
        elif method == "removeConstraint" and first_string(args, 1):
            operations.append(DropConstraint(table, first_string(args, 1), line))
    return operations


def _field_names(node: Any) -> tuple[str, ...]:
    """`fields: ['a', { name: 'b', order: 'DESC' }]`."""
    node = unwrapped(node)
    if node is None or node.type != "array":
        return ()
    names = []
    for item in node.named_children:
        value = string_value(item)
        if value is None:
            value = string_value(object_fields(item).get("name")) if object_fields(item).get("name") else None
        if value is None:
            return ()
        names.append(value)
    return tuple(names)


def _sequelize_column(table: TableName, column: str, attributes: Any, line: int) -> list[Operation]:
    fields = object_fields(attributes)
    operations: list[Operation] = []
    reference = fields.get("references")
    if reference is not None:
        model = object_fields(reference).get("model")
        target = string_value(model) if model is not None else None
        if target is None and model is not None:  # `model: { tableName: 'users', schema: 'app' }`
            named = object_fields(model)
            target = string_value(named["tableName"]) if "tableName" in named else None
            if target and "schema" in named and string_value(named["schema"]):
                target = f"{string_value(named['schema'])}.{target}"
        if target:
            operations.append(AddForeignKey(table, None, (column,), _table(target), line))
    if is_true(fields.get("unique")):
        operations.append(AddIndex(table, None, (column,), line, constraint=True, kind="unique"))
    return operations


# ---------------------------------------------------------------- TypeORM entities


def _decorators(node: Any) -> dict[str, Any]:
    """A class's or field's decorators by name -> their call (None when not called)."""
    found = {}
    owners = [node] + ([node.parent] if node.parent is not None and node.parent.type == "export_statement" else [])
    for owner in owners:
        for child in owner.children:
            if child.type != "decorator":
                continue
            expression = child.named_children[-1] if child.named_children else None
            if expression is not None and expression.type == "call_expression":
                function = expression.child_by_field_name("function")
                found.setdefault(text(function).rsplit(".", 1)[-1], expression)
            elif expression is not None:
                found.setdefault(text(expression).rsplit(".", 1)[-1], None)
    return found


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def typeorm_tables(parse: ScriptParse) -> list[DeclaredTable]:
    tables = []
    fields_by_class: dict[int, list[Any]] = {}
    for field in parse.of("field"):
        body = field.parent
        if body is not None and body.parent is not None:
            fields_by_class.setdefault(body.parent.id, []).append(field)
    for cls in parse.of("class"):
        decorators = _decorators(cls)
        if "Entity" not in decorators:
            continue
        class_name = cls.child_by_field_name("name")
        model = text(class_name) if class_name is not None else "?"
        table = _entity_table(decorators["Entity"]) or _snake(model)
        columns: dict[str, tuple[str, ...]] = {}  # property -> its database columns
        relations = []  # (columns, target, the @ManyToOne call)
        keys, unique_keys, primary = [], [], []
        field_indexes = []  # (property, unique, partial)
        for field in fields_by_class.get(cls.id, []):
            prop = field.child_by_field_name("name")
            if prop is None:
                continue
            name = text(prop)
            field_decorators = _decorators(field)
            if "ManyToOne" in field_decorators or ("OneToOne" in field_decorators and "JoinColumn" in field_decorators):
                relation = field_decorators.get("ManyToOne") or field_decorators["OneToOne"]
                join_columns = _join_columns(field_decorators.get("JoinColumn"), name)
                columns[name] = join_columns
                options = next((object_fields(a) for a in arguments(relation) if unwrapped(a).type == "object"), {})
                creates_key = options.get("createForeignKeyConstraints")
                if "ManyToOne" not in field_decorators:  # TypeORM makes the owning side of a one-to-one unique
                    unique_keys.append(join_columns)
                elif not (creates_key is not None and creates_key.type == "false"):
                    relations.append((join_columns, _relation_target(relation), relation))
            else:
                column_call = next((field_decorators[d] for d in field_decorators if d.endswith("Column")), None)
                if column_call is None:
                    continue
                options = next((object_fields(a) for a in arguments(column_call) if unwrapped(a).type == "object"), {})
                written = string_value(options["name"]) if "name" in options else None
                columns[name] = (written or name,)
                if any(d.startswith("Primary") for d in field_decorators) or is_true(options.get("primary")):
                    primary.append(written or name)
                if is_true(options.get("unique")):
                    unique_keys.append((written or name,))
            if "Index" in field_decorators:
                index_options = _index_options(field_decorators["Index"])
                field_indexes.append((name, is_true(index_options.get("unique")), "where" in index_options))
        for decorator, call in _class_index_decorators(cls):
            args = arguments(call) if call is not None else []
            listed = next((strings(a) for a in args if unwrapped(a).type == "array"), ())
            options = _index_options(call)
            if not listed:
                continue
            resolved = tuple(c for prop in listed for c in columns.get(prop, (prop,)))
            if decorator == "Unique" or is_true(options.get("unique")):
                unique_keys.append(resolved)
            elif "where" not in options:
                keys.append(resolved)
        for prop, unique, partial in field_indexes:
            if not partial:
                (unique_keys if unique else keys).append(columns.get(prop, (prop,)))
        if primary:
            unique_keys.append(tuple(primary))
        foreign_keys = tuple(
            DeclaredForeignKey(cols, target, line_of(call), call.start_point[1]) for cols, target, call in relations
        )
        if foreign_keys:
            tables.append(DeclaredTable(table, model, foreign_keys, tuple(keys), tuple(unique_keys)))
    return tables


def _entity_table(call: Any) -> str | None:
    if call is None:
        return None
    for arg in arguments(call):
        if string_value(unwrapped(arg)) is not None:
            return string_value(unwrapped(arg))
        named = object_fields(arg).get("name")
        if named is not None and string_value(named):
            return string_value(named)
    return None


def _join_columns(call: Any, prop: str) -> tuple[str, ...]:
    """`@JoinColumn({ name: 'user_id' })`, `@JoinColumn([{ name: 'a' }, { name: 'b' }])`, or
    TypeORM's default: the property's name and the referenced column's (`userId`)."""
    args = arguments(call) if call is not None else []
    if args:
        value = unwrapped(args[0])
        items = value.named_children if value.type == "array" else [value]
        names = []
        for item in items:
            options = object_fields(item)
            name = string_value(options["name"]) if "name" in options else None
            referenced = string_value(options["referencedColumnName"]) if "referencedColumnName" in options else None
            names.append(name or prop + (referenced or "id")[:1].upper() + (referenced or "id")[1:])
        if names:
            return tuple(names)
    return (prop + "Id",)


def _relation_target(call: Any) -> str:
    """`@ManyToOne(() => User)` / `@ManyToOne('User')` -> "User"."""
    args = arguments(call)
    if not args:
        return "?"
    target = unwrapped(args[0])
    if target.type in FUNCTION_KINDS:
        body = target.child_by_field_name("body")
        return text(body) if body is not None and body.type != "statement_block" else "?"
    return string_value(target) or text(target)


def _index_options(call: Any) -> dict[str, Any]:
    args = arguments(call) if call is not None else []
    return next((object_fields(a) for a in args if unwrapped(a).type == "object"), {})


def _class_index_decorators(cls: Any) -> Iterator[tuple[str, Any]]:
    owners = [cls] + ([cls.parent] if cls.parent is not None and cls.parent.type == "export_statement" else [])
    for owner in owners:
        for child in owner.children:
            if child.type == "decorator" and child.named_children:
                expression = child.named_children[-1]
                if expression.type == "call_expression":
                    name = text(expression.child_by_field_name("function")).rsplit(".", 1)[-1]
                    if name in ("Index", "Unique"):
                        yield name, expression


# ---------------------------------------------------------------- Drizzle


DRIZZLE_TABLE_FUNCTIONS = frozenset({"pgTable"})  # MySQL indexes foreign keys itself; SQLite is judged as Prisma's is


def drizzle_tables(parse: ScriptParse) -> list[DeclaredTable]:
    variables = {}  # JS variable -> table name, for the message
    schemas = {  # `const app = pgSchema('app')`: app.table(...) is a PostgreSQL table
        text(call.parent.child_by_field_name("name")) for call in parse.of("call")
        if text(call.child_by_field_name("function")) == "pgSchema" and call.parent.type == "variable_declarator"
    }
    found = []
    for call in parse.of("call"):
        function = call.child_by_field_name("function")
        if function is None:
            continue
        name = text(function).rsplit(".", 1)[-1]
        if name not in DRIZZLE_TABLE_FUNCTIONS and not (
                function.type == "member_expression" and name == "table"
                and text(function.child_by_field_name("object")).split("(")[0] in schemas | {"pgSchema"}):
            continue
        args = arguments(call)
        table = first_string(args, 0)
        if table is None or len(args) < 2:
            continue
        declarator = call.parent
        if declarator is not None and declarator.type == "variable_declarator":
            variables[text(declarator.child_by_field_name("name"))] = table
        found.append((table, call, args))
    tables = []
    for table, call, args in found:
        foreign_keys, keys, unique_keys = [], [], []
        for prop, column in object_fields(args[1]).items():
            chain = _builder_chain(column)
            called = dict(chain)
            if "references" in called:
                target = _drizzle_target(arguments(called["references"]), variables)
                foreign_keys.append(DeclaredForeignKey((prop,), target, line_of(called["references"]),
                                                       called["references"].start_point[1] + 1))
            if "primaryKey" in called or "unique" in called:
                unique_keys.append((prop,))
        if len(args) > 2:
            extras = unwrapped(args[2])
            for kind, columns, partial in _drizzle_extras(parse, extras):
                if kind == "foreignKey":
                    continue
                if kind in ("index",) and not partial:
                    keys.append(columns)
                elif kind in ("uniqueIndex", "unique", "primaryKey") and not partial:
                    unique_keys.append(columns)
            for fk_columns, target, node in _drizzle_foreign_keys(parse, extras, variables):
                foreign_keys.append(DeclaredForeignKey(fk_columns, target, line_of(node), node.start_point[1] + 1))
        if foreign_keys:
            tables.append(DeclaredTable(table, table, tuple(foreign_keys), tuple(keys), tuple(unique_keys)))
    return tables


def _builder_chain(column: Any) -> list[tuple[str, Any]]:
    """`integer('a').notNull().references(() => users.id)` -> [("notNull", ...), ("references", ...)]."""
    node = unwrapped(column)
    while node is not None and node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return chain_above(node)
        node = function.child_by_field_name("object")
    return []


def _drizzle_target(args: list[Any], variables: dict[str, str]) -> str:
    target = unwrapped(args[0]) if args else None
    if target is not None and target.type in FUNCTION_KINDS:
        target = target.child_by_field_name("body")
    if target is not None and target.type == "member_expression":
        owner = text(target.child_by_field_name("object"))
        return variables.get(owner, owner)
    return "?"


def _inside(parse: ScriptParse, container: Any) -> list[Any]:
    """The calls inside a node (the index is in source order: a slice of it)."""
    calls = parse.of("call")
    starts = [c.start_byte for c in calls]
    return calls[bisect.bisect_left(starts, container.start_byte):bisect.bisect_left(starts, container.end_byte)]


def _members(args: list[Any]) -> tuple[str | None, ...]:
    """`t.a, t.b`, `[t.a, t.b]` or `t.a.asc().nullsLast()` -> ("a", "b"); None
    for an expression key (sql`lower(...)`), so only the columns before it lead."""
    nodes = []
    for arg in args:
        arg = unwrapped(arg)
        nodes += arg.named_children if arg.type == "array" else [arg]
    return tuple(_column_of(node) for node in nodes)


def _column_of(node: Any) -> str | None:
    """`table.teamId`, also under `.asc().nullsLast().op("uuid_ops")`."""
    while node is not None and node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        node = function.child_by_field_name("object")
    if node is None or node.type != "member_expression" or node.child_by_field_name("object").type != "identifier":
        return None
    return text(node.child_by_field_name("property"))


def _drizzle_extras(parse: ScriptParse, extras: Any) -> Iterator[tuple[str, tuple[str, ...], bool]]:
    """`index('x').on(t.a, t.b)`, `uniqueIndex().on(...)`, `unique().on(...)`,
    `primaryKey({ columns: [t.a, t.b] })`, with `.where(...)` making an index partial."""
    for call in _inside(parse, extras):
        function = call.child_by_field_name("function")
        if function is None or function.type != "identifier":
            continue
        kind = text(function)
        if kind == "primaryKey":
            columns = object_fields(arguments(call)[0]).get("columns") if arguments(call) else None
            members = _members([columns]) if columns is not None else _members(arguments(call))
            if members and None not in members:
                yield kind, members, False
            continue
        if kind not in ("index", "uniqueIndex", "unique"):
            continue
        chain = dict(chain_above(call))
        # `.on(t.a, t.b)`, or drizzle-kit pull's `.using("btree", t.a.asc().nullsLast().op("uuid_ops"))`.
        keys = arguments(chain["on"]) if "on" in chain else arguments(chain["using"])[1:] if "using" in chain else []
        members = _members(keys)
        if members and members[0] is not None:
            yield kind, members, "where" in chain


def _drizzle_foreign_keys(parse: ScriptParse, extras: Any, variables: dict[str, str]):
    """`foreignKey({ columns: [t.a], foreignColumns: [users.id] })` in the extras."""
    for call in _inside(parse, extras):
        function = call.child_by_field_name("function")
        if function is None or text(function) != "foreignKey" or not arguments(call):
            continue
        options = object_fields(arguments(call)[0])
        columns = _members([options["columns"]]) if "columns" in options else ()
        if None in columns:
            continue
        foreign = options.get("foreignColumns")
        first = unwrapped(foreign.named_children[0]) if foreign is not None and foreign.named_children else None
        if columns and first is not None and first.type == "member_expression":
            owner = text(first.child_by_field_name("object"))
            yield columns, variables.get(owner, owner), call
