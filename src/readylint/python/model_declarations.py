"""Tables declared by ORM models in Python: their foreign keys and the keys that index them.

SQLAlchemy (declarative classes with `Column`/`mapped_column`, Flask-SQLAlchemy's
`db.Column`, Core `Table(...)`, SQLModel's `Field(foreign_key=...)`) and Django (`ForeignKey(..., db_index=False)`;
Django indexes every other ForeignKey itself). The result is plain facts
(`readylint.sql.schema.DeclaredTable`) that RL402 judges.
"""

from __future__ import annotations

import ast
import re

from readylint.sql.schema import DeclaredForeignKey, DeclaredTable

COLUMN_CALLS = {"Column", "mapped_column"}
CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _callee(node: ast.AST) -> str:
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _column_names(nodes: list[ast.expr], attributes: dict[str, str]) -> tuple[str, ...] | None:
    """Index arguments: "col" strings, or class attributes (`user_id`, `Order.user_id`)."""
    names = []
    for node in nodes:
        if _string(node) is not None:
            names.append(_string(node))
        elif isinstance(node, ast.Name) and node.id in attributes:
            names.append(attributes[node.id])
        elif isinstance(node, ast.Attribute) and node.attr in attributes:
            names.append(attributes[node.attr])
        else:
            return None  # an expression key
    return tuple(names) if names else None


# ------------------------------------------------------------------ SQLAlchemy


class _SqlAlchemyTable:
    def __init__(self, name: str, model: str):
        self.name = name
        self.model = model
        self.attributes: dict[str, str] = {}  # attribute -> column name
        self.foreign_keys: list[DeclaredForeignKey] = []
        self.keys: list[tuple[str, ...]] = []
        self.unique_keys: list[tuple[str, ...]] = []
        self.primary: list[str] = []

    def column(self, attribute: str | None, call: ast.Call) -> None:
        name = _string(call.args[0]) if call.args and _string(call.args[0]) else attribute
        if name is None:
            return
        if attribute:
            self.attributes[attribute] = name
        targets = [_string(arg.args[0]) for arg in call.args if _callee(arg) == "ForeignKey" and arg.args]
        if _callee(call) == "Field" and _keyword(call, "foreign_key") is not None:  # SQLModel
            targets.append(_string(_keyword(call, "foreign_key")))
        for target in targets:
            references = target.rsplit(".", 1)[0] if target else "?"
            self.foreign_keys.append(DeclaredForeignKey((name,), references, call.lineno, call.col_offset + 1))
        if _is_true(_keyword(call, "primary_key")):
            self.primary.append(name)
        if _is_true(_keyword(call, "unique")):
            self.unique_keys.append((name,))
        elif _is_true(_keyword(call, "index")):
            self.keys.append((name,))

    def table_arg(self, call: ast.Call) -> None:
        kind = _callee(call)
        if kind == "Index":
            if any(k.arg and k.arg.endswith("_where") for k in call.keywords):
                return  # partial
            columns = _column_names(call.args[1:], self.attributes)
            unique = _is_true(_keyword(call, "unique"))
        elif kind in ("UniqueConstraint", "PrimaryKeyConstraint"):
            columns = _column_names(call.args, self.attributes)
            unique = True
        elif kind == "ForeignKeyConstraint" and len(call.args) >= 2:
            local = call.args[0]
            remote = call.args[1]
            if isinstance(local, (ast.List, ast.Tuple)) and isinstance(remote, (ast.List, ast.Tuple)):
                names = _column_names(list(local.elts), self.attributes)
                target = _string(remote.elts[0]) if remote.elts else None
                if names:
                    references = target.rsplit(".", 1)[0] if target else "?"
                    self.foreign_keys.append(DeclaredForeignKey(names, references, call.lineno, call.col_offset + 1))
            return
        else:
            return
        if columns:
            (self.unique_keys if unique else self.keys).append(columns)

    def declared(self) -> DeclaredTable:
        unique_keys = list(self.unique_keys)
        if self.primary:
            unique_keys.append(tuple(self.primary))
        return DeclaredTable(self.name, self.model, tuple(self.foreign_keys), tuple(self.keys), tuple(unique_keys))


def _table_name(node: ast.ClassDef) -> str | None:
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__tablename__" for t in statement.targets
        ):
            return _string(statement.value)
    # SQLModel names a `table=True` model's table after the class, lower-cased.
    if any(k.arg == "table" and _is_true(k.value) for k in node.keywords):
        return node.name.lower()
    # Flask-SQLAlchemy names a db.Model's table after the class.
    if any(isinstance(b, ast.Attribute) and b.attr == "Model" and isinstance(b.value, ast.Name)
           and b.value.id == "db" for b in node.bases):
        return CAMEL_RE.sub("_", node.name).lower()
    return None


def sqlalchemy_tables(tree: ast.Module) -> list[DeclaredTable]:
    tables: dict[str, _SqlAlchemyTable] = {}  # by class name (or Table variable)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            name = _table_name(node)
            if name is None:
                continue
            table = tables[node.name] = _SqlAlchemyTable(name, node.name)
            for statement in node.body:
                target, value = _assignment(statement)
                if target == "__table_args__" and isinstance(value, (ast.Tuple, ast.List)):
                    for element in value.elts:
                        if isinstance(element, ast.Call):
                            table.table_arg(element)
                elif isinstance(value, ast.Call) and (_callee(value) in COLUMN_CALLS or _callee(value) == "Field"):
                    table.column(target, value)
        elif isinstance(node, ast.Call) and _callee(node) == "Table" and node.args and _string(node.args[0]):
            table = _SqlAlchemyTable(_string(node.args[0]), _string(node.args[0]))
            for arg in node.args[1:]:
                if _callee(arg) in COLUMN_CALLS:
                    table.column(None, arg)
            for arg in node.args[1:]:
                if isinstance(arg, ast.Call) and _callee(arg) not in COLUMN_CALLS:
                    table.table_arg(arg)
            tables[f"Table:{table.name}:{node.lineno}"] = table
    # Index("ix", Order.user_id) at module level, beside the class.
    for node in tree.body:
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if isinstance(call, ast.Call) and _callee(call) == "Index" and len(call.args) > 1:
            owner = call.args[1]
            if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) and owner.value.id in tables:
                tables[owner.value.id].table_arg(call)
    return [t.declared() for t in tables.values() if t.foreign_keys]


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


# ------------------------------------------------------------------ Django


def django_tables(tree: ast.Module) -> list[DeclaredTable]:
    """Models with a `ForeignKey(..., db_index=False)`: the only Django foreign
    keys without an index of their own."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        keys: list[DeclaredForeignKey] = []
        for statement in node.body:
            target, value = _assignment(statement)
            if (target and _callee(value) == "ForeignKey" and _is_false(_keyword(value, "db_index"))):
                references = value.args[0] if value.args else _keyword(value, "to")
                label = _string(references) or (references.id if isinstance(references, ast.Name) else "?")
                keys.append(DeclaredForeignKey((target,), label, value.lineno, value.col_offset + 1))
        if keys:
            indexes, unique = _django_meta_keys(node)
            found.append(DeclaredTable(node.name, node.name, tuple(keys), tuple(indexes), tuple(unique)))
    return found


def _django_meta_keys(model: ast.ClassDef) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The field lists of a model's Meta indexes, and of its unique ones."""
    meta = next((n for n in model.body if isinstance(n, ast.ClassDef) and n.name == "Meta"), None)
    keys: list[tuple[str, ...]] = []
    unique_keys: list[tuple[str, ...]] = []
    if meta is None:
        return keys, unique_keys
    for statement in meta.body:
        target, value = _assignment(statement)
        if target in ("unique_together", "index_together") and isinstance(value, (ast.Tuple, ast.List)):
            groups = value.elts if value.elts and isinstance(value.elts[0], (ast.Tuple, ast.List)) else [value]
            for group in groups:
                names = _column_names(list(group.elts), {}) if isinstance(group, (ast.Tuple, ast.List)) else None
                if names:
                    (unique_keys if target == "unique_together" else keys).append(names)
        elif target in ("indexes", "constraints") and isinstance(value, (ast.Tuple, ast.List)):
            for call in value.elts:
                if not isinstance(call, ast.Call) or _callee(call) not in ("Index", "UniqueConstraint"):
                    continue
                if _keyword(call, "condition") is not None:
                    continue  # partial
                fields = _keyword(call, "fields")
                if isinstance(fields, (ast.List, ast.Tuple)):
                    names = _column_names(list(fields.elts), {})
                    if names:
                        unique = _callee(call) == "UniqueConstraint"
                        (unique_keys if unique else keys).append(tuple(n.lstrip("-") for n in names))
    return keys, unique_keys
