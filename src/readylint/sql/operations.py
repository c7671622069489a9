"""SQL statements to schema operations (`readylint.sql.schema`), one statement at a time.

Only statements that can change what the schema model tracks are parsed
(CREATE/ALTER/DROP of tables and indexes), chosen by their first keywords
before sqlglot sees them. A statement sqlglot cannot model (a DO block, a
policy, a function, a `Command` fallback) yields no operations, never an
error: the model simply learns nothing from it.
"""

from __future__ import annotations

import logging
import re

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from readylint.sql.schema import (
    UNQUALIFIED, AddForeignKey, AddIndex, CreateTable, DropColumn, DropConstraint, DropIndex, DropTable,
    Operation, RenameColumn, RenameConstraint, RenameIndex, RenameTable, SetSearchPath, TableName,
)
from readylint.sql.statements import Statement, dialect_named, split_statements

# sqlglot logs a warning for every statement it falls back to a Command for.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

ON_ONLY_RE = re.compile(r"\bON\s+ONLY\b", re.I)
NAME_PATTERN = r'(?:"(?:[^"]|"")+"|[\w$]+)'
RENAME_CONSTRAINT_RE = re.compile(rf"^RENAME\s+CONSTRAINT\s+(?P<old>{NAME_PATTERN})\s+TO\s+(?P<new>{NAME_PATTERN})\s*$", re.I)
WRAPPED_ADD_RE = re.compile(r"^ADD\s*\((?P<inner>.*)\)\s*$", re.I | re.S)
ALTER_TABLE_RE = re.compile(r"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?", re.I)


# `DO $$ BEGIN <statements> EXCEPTION WHEN duplicate_object THEN null; END $$;`:
# how drizzle-kit (before 0.22) and hand-written migrations make an ADD
# CONSTRAINT idempotent. The block's own top-level statements are read.
DO_BLOCK_RE = re.compile(
    r"^DO\s+\$(?P<tag>\w*)\$\s*BEGIN\b(?P<body>.*?)(?:\bEXCEPTION\b.*)?\bEND\s*;?\s*\$(?P=tag)\$", re.I | re.S
)


def may_change_schema(keywords: tuple[str, ...]) -> bool:
    """The cheap test before parsing: CREATE/ALTER/DROP of a table or an
    index, a change of the search path, or a DO block that may hold them."""
    if not keywords:
        return False
    head = keywords[0]
    if head == "DO":
        return True
    if head == "SET":
        return "SEARCH_PATH" in keywords[1:3]
    if head == "CREATE":
        rest = keywords[1:5]
        if any(word in ("TEMP", "TEMPORARY") for word in rest[:2]):
            return False
        return "TABLE" in rest or "INDEX" in rest
    if head in ("ALTER", "DROP"):
        return len(keywords) > 1 and keywords[1] in ("TABLE", "INDEX")
    return False


def statement_operations(statement: Statement, dialect: str = "postgres") -> list[Operation]:
    if not may_change_schema(statement.keywords):
        return []
    text = statement.text
    if statement.keywords[0] == "DO":
        return _do_block(statement, dialect)
    if statement.keywords[0] == "SET":
        return _search_path(statement, dialect)
    if statement.keywords[:2] == ("DROP", "INDEX"):
        # sqlglot reads one index per DROP INDEX; PostgreSQL allows a list.
        return _drop_indexes(text, statement.line, dialect)
    if ON_ONLY_RE.search(text):
        # An index on a partitioned table's parent: sqlglot does not know ON ONLY.
        tree, base_line = _parse(ON_ONLY_RE.sub("ON", text), dialect), statement.line
    elif statement.tokens:
        tree, base_line = _parse_tokens(statement, dialect), statement.source_line
    else:
        tree, base_line = _parse(text, dialect), statement.line
    if (tree is None or isinstance(tree, exp.Command)) and statement.keywords[:2] == ("ALTER", "TABLE"):
        return _Reader(statement.line, dialect).alter_table_actions(text)
    if tree is None:
        return []
    return _Reader(statement.line, dialect, base_line).operations(tree)


def _do_block(statement: Statement, dialect: str) -> list[Operation]:
    block = DO_BLOCK_RE.match(statement.text)
    if block is None:
        return []
    first_line = statement.line + statement.text.count("\n", 0, block.start("body"))
    return [op for inner in split_statements(block.group("body"), dialect, first_line)
            if inner.keywords[:1] != ("DO",) for op in statement_operations(inner, dialect)]


# sqlglot raises more than its own errors on odd input; a statement it
# cannot read teaches the model nothing, and must never stop the run.
PARSE_FAILURES = (SqlglotError, RecursionError, ValueError, KeyError, IndexError, TypeError, AttributeError)


def _parse(text: str, dialect: str) -> exp.Expression | None:
    try:
        trees = dialect_named(dialect).parse(text)
    except PARSE_FAILURES:
        return None
    return trees[0] if len(trees) == 1 and trees[0] is not None else None


def _parse_tokens(statement: Statement, dialect: str) -> exp.Expression | None:
    """Parse the splitter's tokens: no second tokenization. Positions in the
    tree are then relative to the statement's source text."""
    try:
        trees = dialect_named(dialect).parser().parse(list(statement.tokens), statement.source)
    except PARSE_FAILURES:
        return None
    return trees[0] if len(trees) == 1 and trees[0] is not None else None


def identifier(node: exp.Expression | str | None) -> str | None:
    """An identifier as PostgreSQL stores it: unquoted names fold to lower case."""
    if node is None:
        return None
    if isinstance(node, str):
        return node.lower()
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, exp.Column):
        return identifier(node.this)
    if isinstance(node, (exp.Table, exp.Var)):
        return identifier(node.this) if isinstance(node.this, exp.Identifier) else str(node.this).lower()
    return None


def table_name(table: exp.Expression) -> TableName | None:
    if isinstance(table, exp.Schema):
        table = table.this
    if not isinstance(table, exp.Table):
        return None
    name = identifier(table.this)
    if name is None:
        return None
    return TableName(identifier(table.args.get("db")) or UNQUALIFIED, name)


class _Reader:
    def __init__(self, line: int, dialect: str, base_line: int | None = None):
        self.line = line  # the statement's first line in the file
        # The file line of the first line of the text the tree was parsed
        # from: positions in the tree count from it.
        self.base_line = line if base_line is None else base_line
        self.dialect = dialect

    def line_of(self, *nodes: exp.Expression | None) -> int:
        """The file line of the first node that knows its position."""
        for node in nodes:
            if node is None:
                continue
            for found in [node, *node.find_all(exp.Identifier)]:
                line = found.meta.get("line") if isinstance(found, exp.Identifier) else None
                if line:
                    return self.base_line + line - 1
        return self.line

    def operations(self, tree: exp.Expression) -> list[Operation]:
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind == "TABLE":
                return self.create_table(tree)
            if kind == "INDEX":
                return self.create_index(tree)
        elif isinstance(tree, exp.Alter):
            kind = (tree.args.get("kind") or "").upper()
            target = table_name(tree.this)
            if target is None:
                return []
            if kind == "TABLE":
                return [op for action in tree.args.get("actions") or [] for op in self.alter_action(target, action)]
            if kind == "INDEX":
                return self.alter_index(tree, target)
        elif isinstance(tree, exp.Drop):
            return self.drop(tree)
        return []

    # -------------------------------------------------------------- CREATE

    def create_table(self, tree: exp.Create) -> list[Operation]:
        target = table_name(tree.this)
        if target is None:
            return []
        ops: list[Operation] = [CreateTable(target, self.line, bool(tree.args.get("exists")))]
        if isinstance(tree.this, exp.Schema):
            for element in tree.this.expressions:
                ops += self.table_element(target, element)
        return ops

    def table_element(self, target: TableName, element: exp.Expression) -> list[Operation]:
        if isinstance(element, exp.ColumnDef):
            return self.column(target, element)
        if isinstance(element, exp.Constraint):
            name = identifier(element.this)
            return [op for inner in element.expressions for op in self.constraint(target, inner, name, element)]
        return self.constraint(target, element, None, element)

    def column(self, target: TableName, column: exp.ColumnDef) -> list[Operation]:
        name = identifier(column.this)
        if name is None:
            return []
        ops: list[Operation] = []
        line = self.line_of(column)
        for constraint in column.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            constraint_name = identifier(constraint.this) if constraint.this else None
            if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                ops.append(AddIndex(target, constraint_name, (name,), line, constraint=True, kind="primary key"))
            elif isinstance(kind, exp.UniqueColumnConstraint):
                ops.append(AddIndex(target, constraint_name, (name,), line, constraint=True, kind="unique"))
            elif isinstance(kind, exp.Reference):
                referenced = table_name(kind.this)
                if referenced is not None:
                    ops.append(AddForeignKey(target, constraint_name, (name,), referenced, line))
        return ops

    def constraint(
        self, target: TableName, node: exp.Expression, name: str | None, where: exp.Expression
    ) -> list[Operation]:
        line = self.line_of(where)
        if isinstance(node, exp.PrimaryKey):
            columns = tuple(identifier(e) for e in node.expressions)
            if None not in columns:
                return [AddIndex(target, name, columns, line, constraint=True, kind="primary key")]
        elif isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema):
            columns = tuple(identifier(e) for e in node.this.expressions)
            if None not in columns:
                return [AddIndex(target, name, columns, line, constraint=True, kind="unique")]
        elif isinstance(node, exp.ForeignKey):
            columns = tuple(identifier(e) for e in node.expressions)
            reference = node.args.get("reference")
            referenced = table_name(reference.this) if reference is not None else None
            if referenced is not None and columns and None not in columns:
                return [AddForeignKey(target, name, columns, referenced, line)]
        return []

    def create_index(self, tree: exp.Create) -> list[Operation]:
        index = tree.this
        if not isinstance(index, exp.Index):
            return []
        target = table_name(index.args.get("table"))
        params = index.args.get("params")
        if target is None or params is None:
            return []
        columns = tuple(_index_key(e) for e in params.args.get("columns") or [])
        if not columns:
            return []
        name = identifier(index.this)
        partial = params.args.get("where") is not None
        kind = "unique index" if tree.args.get("unique") else "index"
        return [AddIndex(target, name, columns, self.line, partial=partial, kind=kind)]

    # -------------------------------------------------------------- ALTER

    def alter_action(self, target: TableName, action: exp.Expression) -> list[Operation]:
        if isinstance(action, exp.AddConstraint):
            return [op for e in action.expressions for op in self.table_element(target, e)]
        if isinstance(action, exp.ColumnDef):
            return self.column(target, action)
        if isinstance(action, exp.RenameColumn):
            old, new = identifier(action.this), identifier(action.args.get("to"))
            return [RenameColumn(target, old, new, self.line)] if old and new else []
        if isinstance(action, exp.AlterRename):
            new = table_name(action.this)
            return [RenameTable(target, new.name, self.line)] if new else []
        if isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            names = [identifier(t) for t in action.args.get("tables") or []]
            if kind == "COLUMN":
                return [DropColumn(target, n, self.line) for n in names if n]
            if kind == "CONSTRAINT":
                return [DropConstraint(target, n, self.line) for n in names if n]
        return []

    def alter_table_actions(self, text: str) -> list[Operation]:
        """An ALTER TABLE sqlglot could not read as a whole (one unsupported
        action among several, Oracle's `ADD (CONSTRAINT ...)`): read each
        action on its own."""
        head = ALTER_TABLE_RE.match(text)
        if head is None:
            return []
        parts = _top_level_parts(text[head.end():], self.dialect, name_first=True)
        if not parts:
            return []
        table_text, actions = parts[0], parts[1:]
        ops: list[Operation] = []
        for action in actions:
            wrapped = WRAPPED_ADD_RE.match(action)
            if wrapped:
                inner = _top_level_parts(wrapped.group("inner"), self.dialect)
                actions.extend("ADD " + item for item in inner)
                continue
            renamed = RENAME_CONSTRAINT_RE.match(action)
            if renamed:
                ops += self.rename_constraint(table_text, renamed)
                continue
            tree = _parse(f"ALTER TABLE {table_text} {action}", self.dialect)
            if isinstance(tree, exp.Alter):
                ops += self.operations(tree)
        return ops

    def rename_constraint(self, table_text: str, renamed: re.Match[str]) -> list[Operation]:
        """ALTER TABLE t RENAME CONSTRAINT a TO b (sqlglot reads it as a Command)."""
        tree = _parse(f"SELECT 1 FROM {table_text}", self.dialect)
        table = tree.find(exp.Table) if tree is not None else None
        target = table_name(table) if table is not None else None
        old, new = (_unquote(renamed.group(n)) for n in ("old", "new"))
        return [RenameConstraint(target, old, new, self.line)] if target else []

    def alter_index(self, tree: exp.Alter, target: TableName) -> list[Operation]:
        schema = target.schema if tree.this.args.get("db") else None
        return [
            RenameIndex(schema, target.name, identifier(action.this), self.line)
            for action in tree.args.get("actions") or []
            if isinstance(action, exp.AlterRename) and identifier(action.this)
        ]

    # -------------------------------------------------------------- DROP

    def drop(self, tree: exp.Drop) -> list[Operation]:
        kind = (tree.args.get("kind") or "").upper()
        ops: list[Operation] = []
        for table in tree.args.get("tables") or []:
            name = table_name(table)
            if name is None:
                continue
            if kind == "TABLE":
                ops.append(DropTable(name, self.line))
            elif kind == "INDEX":
                schema = name.schema if table.args.get("db") else None
                ops.append(DropIndex(schema, name.name, self.line))
        return ops


DROP_INDEX_SKIP = {"DROP", "INDEX", "CONCURRENTLY", "IF", "EXISTS"}


def _drop_indexes(text: str, line: int, dialect: str) -> list[Operation]:
    """DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, schema.name ...] [CASCADE]."""
    try:
        tokens = dialect_named(dialect).tokenize(text)
    except SqlglotError:
        return []
    names: list[list[str]] = [[]]
    for token in tokens:
        word = token.text.upper()
        if token.token_type is TokenType.COMMA:
            names.append([])
        elif token.token_type is TokenType.IDENTIFIER:
            names[-1].append(token.text)
        elif token.token_type is TokenType.DOT:
            continue
        elif word in ("CASCADE", "RESTRICT"):
            break
        elif word not in DROP_INDEX_SKIP or names[-1]:
            names[-1].append(token.text.lower())
    return [
        DropIndex(parts[0] if len(parts) == 2 else None, parts[-1], line)
        for parts in names if 1 <= len(parts) <= 2
    ]


def _top_level_parts(text: str, dialect: str, name_first: bool = False) -> list[str]:
    """Split on commas outside parentheses. With `name_first`, the first part
    is the leading (possibly qualified) table name, then the comma-separated
    actions that follow it."""
    try:
        tokens = dialect_named(dialect).tokenize(text)
    except SqlglotError:
        return []
    if not tokens:
        return []
    parts: list[str] = []
    index = 0
    if name_first:
        name_end = tokens[0].end + 1
        index = 1
        while index + 1 < len(tokens) and tokens[index].token_type is TokenType.DOT:
            name_end = tokens[index + 1].end + 1
            index += 2
        parts.append(text[:name_end])
    depth, start = 0, index
    for position in range(index, len(tokens) + 1):
        token = tokens[position] if position < len(tokens) else None
        if token is not None:
            if token.token_type is TokenType.L_PAREN:
                depth += 1
            elif token.token_type is TokenType.R_PAREN:
                depth -= 1
            if not (token.token_type is TokenType.COMMA and depth == 0):
                continue
        if start < position:
            parts.append(text[tokens[start].start: tokens[position - 1].end + 1])
        start = position + 1
    return parts


def _search_path(statement: Statement, dialect: str) -> list[Operation]:
    """SET [SESSION | LOCAL] search_path TO | = schema [, ...]: the first
    schema that is not `$user` is where unqualified names go."""
    values = []
    seen_path = False
    for token in statement.tokens:
        word = token.text.upper()
        if not seen_path:
            seen_path = word == "SEARCH_PATH"
            continue
        if token.token_type in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.STRING) and word not in ("TO", "DEFAULT"):
            values.append(token.text if token.token_type is not TokenType.VAR else token.text.lower())
        elif word == "DEFAULT":
            return [SetSearchPath("public", statement.line)]
    schemas = [v for v in values if v != "$user"]
    return [SetSearchPath(schemas[0], statement.line)] if schemas else []


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def _index_key(element: exp.Expression) -> str | None:
    """The column of one index key, or None for an expression key."""
    node = element.this if isinstance(element, exp.Ordered) else element
    while isinstance(node, (exp.Opclass, exp.Collate)):
        node = node.this
    return identifier(node) if isinstance(node, (exp.Column, exp.Identifier)) else None
