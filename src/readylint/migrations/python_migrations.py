"""Facts about Python migrations (Alembic revisions, Django migrations) from the shared `ast` tree."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from readylint.python.names import QualifiedNames
from readylint.sources import SourceFile
from readylint.sql.statements import changes_only_data


@dataclass(frozen=True)
class Revision:
    """An Alembic revision: its id, its parents, and what its downgrade() does."""

    revision: str | None
    down_revisions: tuple[str, ...]
    upgrade_line: int  # `def upgrade` (1 when absent)
    upgrade_empty: bool
    upgrade_changes_only_data: bool  # no schema operation: only rows change
    downgrade: str  # "present" | "missing" | "empty" | "irreversible"


def alembic_revision(tree: ast.Module, lines: list[str] | None = None,
                     irreversible_comment: "re.Pattern[str] | None" = None) -> Revision:
    """`lines` and `irreversible_comment`: an empty downgrade() whose comment says
    it is empty on purpose (`# irreversible`, `# intentionally empty`) is irreversible."""
    values: dict[str, ast.expr] = {}
    functions: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            values[node.target.id] = node.value
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = node
    revision = _constant_strings(values.get("revision"))
    upgrade = functions.get("upgrade")
    downgrade = functions.get("downgrade")
    if downgrade is None:
        state = "missing"
    elif _raises(downgrade.body):
        state = "irreversible"
    elif _is_empty(downgrade.body):
        state = "irreversible" if _says_irreversible(downgrade, lines, irreversible_comment) else "empty"
    else:
        state = "present"
    return Revision(
        revision=revision[0] if revision else None,
        down_revisions=tuple(_constant_strings(values.get("down_revision"))),
        upgrade_line=upgrade.lineno if upgrade else 1,
        upgrade_empty=upgrade is None or _is_empty(upgrade.body),
        upgrade_changes_only_data=upgrade is not None and _changes_only_data(upgrade),
        downgrade=state,
    )


def _says_irreversible(function: ast.AST, lines: list[str] | None, pattern: "re.Pattern[str] | None") -> bool:
    if not lines or pattern is None:
        return False
    body = lines[function.lineno - 1:function.end_lineno or function.lineno]
    return any(pattern.search(line.split("#", 1)[1]) for line in body if "#" in line)


# `op.*` calls that do not change the schema by themselves.
DATA_OPERATIONS = {"get_bind", "get_context", "f", "bulk_insert", "inline_literal", "execute"}


def _changes_only_data(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does upgrade() change only rows (bulk_insert, connection.execute of
    UPDATEs, op.execute of DML), never the schema?"""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id == "op"):
            continue
        if node.func.attr not in DATA_OPERATIONS:
            return False
        if node.func.attr == "execute" and node.args:
            sql = node.args[0]
            if isinstance(sql, ast.Call) and sql.args:  # sa.text("...")
                sql = sql.args[0]
            if isinstance(sql, ast.Constant) and isinstance(sql.value, str) and not changes_only_data(sql.value):
                return False
    return True


def _constant_strings(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _is_empty(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...` and docstrings or comments: does nothing."""
    return all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in body
    )


def _raises(body: list[ast.stmt]) -> bool:
    """Raises at its top level: irreversible on purpose."""
    return any(isinstance(s, ast.Raise) for s in body)


@dataclass(frozen=True)
class IrreversibleOperation:
    line: int
    column: int  # 0-based, from the ast
    operation: str  # RunPython | RunSQL
    missing: str  # the keyword that would make it reversible


# Django's data operations and the argument that reverses each (position, name).
REVERSIBLE_BY = {
    "django.db.migrations.RunPython": (1, "reverse_code"),
    "django.db.migrations.operations.RunPython": (1, "reverse_code"),
    "django.db.migrations.operations.special.RunPython": (1, "reverse_code"),
    "django.db.migrations.RunSQL": (1, "reverse_sql"),
    "django.db.migrations.operations.RunSQL": (1, "reverse_sql"),
    "django.db.migrations.operations.special.RunSQL": (1, "reverse_sql"),
}


def django_irreversible_operations(file: SourceFile) -> list[IrreversibleOperation]:
    """RunPython / RunSQL operations of a Django `Migration` without their reverse."""
    # Most migrations only alter the schema: a substring test (aliases keep
    # the class name) spares them the name resolution.
    if file.tree_index is None or not any(name.rsplit(".", 1)[1] in file.text for name in REVERSIBLE_BY):
        return []
    names = QualifiedNames.for_file(file)
    found = []
    for node in file.tree_index.of_type(ast.Call):
        qualified = names.of(node.func)
        if qualified not in REVERSIBLE_BY:
            continue
        position, keyword = REVERSIBLE_BY[qualified]
        reverse = node.args[position] if len(node.args) > position else None
        for kw in node.keywords:
            if kw.arg == keyword:
                reverse = kw.value
            elif kw.arg is None:  # **kwargs: cannot tell
                reverse = kw.value
        if reverse is None or (isinstance(reverse, ast.Constant) and reverse.value is None):
            found.append(IrreversibleOperation(node.lineno, node.col_offset, qualified.rsplit(".", 1)[1], keyword))
    return found
