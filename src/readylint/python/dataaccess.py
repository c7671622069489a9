"""Database access in one module: which calls read, write or commit, and which
blocks are transactions, for the Django ORM, SQLAlchemy and DB-API drivers.

What is a write, a manager, a session or a transaction is catalog data
(`DataAccessSpec`, read from a rule's YAML); this module is the logic that
applies it through imports (`QualifiedNames`) and local object flow
(`LocalBindings`):

    order = Order.objects.get(pk=pk)        order is a model instance
    order.save()                            -> a Django write
    with connection.cursor() as cursor:     cursor is a Django (autocommit) cursor
        cursor.execute("UPDATE ...")        -> a write (the SQL says so)
    session = SessionLocal()                SessionLocal = sessionmaker(...)
    session.add(user); session.commit()     -> a SQLAlchemy write, then a commit

Everything is all or nothing: an expression whose origin is not known (a
parameter without annotation, a name bound twice to different things) has
no kind, and calls on it are not classified. Rules stay silent on them.

Transaction semantics differ by framework, so each access says whether its
writes commit on their own (`autocommit`: Django, asyncpg, psycopg2 with
autocommit on) or wait for a `commit()` on their `resource` (SQLAlchemy
sessions and connections, DB-API connections).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from readylint.python.localflow import (
    FUNCTIONS, Assigned, Binding, ClassAttributes, Entered, Iterated, LocalBindings, Parameter, Unpacked,
)
from readylint.python.names import QualifiedNames
from readylint.python.tree import DEFERRED_CODE, TreeIndex
from readylint.sources import SourceFile

Function = ast.FunctionDef | ast.AsyncFunctionDef

# What an expression holds.
QUERYSET = "queryset"  # a Django manager or QuerySet of model instances
ROWS = "rows"  # a Django QuerySet of dicts or tuples (values(), values_list())
INSTANCE = "instance"  # a model instance (Django or SQLAlchemy)
INSTANCE_TUPLE = "instance-tuple"  # (instance, created) from get_or_create
MODEL_CLASS = "model-class"
SESSION = "session"
SESSION_FACTORY = "session-factory"
ENGINE = "engine"
CONNECTION = "connection"
CURSOR = "cursor"
POOL = "pool"
QUERY = "query"  # a legacy SQLAlchemy Query: session.query(User), User.query
RESULTS = "results"  # SQLAlchemy ORM instances: query.all(), session.scalars(select(User))

WRITE = "write"
READ = "read"
COMMIT = "commit"

DJANGO = "django"
SQLALCHEMY = "sqlalchemy"
DBAPI = "dbapi"

SQL_COMMENT_RE = re.compile(r"^\s*(?:--[^\n]*\n|/\*.*?\*/|\()*\s*", re.S)
SQL_WORD_RE = re.compile(r"[A-Za-z]+")
# The table a write statement changes, to tell writes to different tables apart.
SQL_TABLE_RE = re.compile(r"\b(?:INTO|UPDATE|FROM|TABLE)\s+([\w.\"]+)", re.I)


@dataclass(frozen=True)
class Kind:
    what: str
    framework: str
    # Writes through it commit on their own, unless inside a transaction scope.
    autocommit: bool = False
    # The object whose commit() ends the transaction (source text), when not autocommit.
    resource: str = ""
    # For a queryset: the model's name, and the eager-loading calls in its chain.
    model: str = ""
    eager: tuple[str, ...] = ()


@dataclass(frozen=True)
class Access:
    """One database call."""

    call: ast.Call
    action: str  # WRITE, READ or COMMIT
    framework: str
    autocommit: bool
    resource: str
    label: str  # how the message names it: `Order.objects.create()`
    method: str  # the called method: `create`
    # What is written: the model's name when known, else the receiver's text.
    target: str

    @property
    def line(self) -> int:
        return self.call.lineno


def _strings(data: Any) -> frozenset[str]:
    return frozenset(str(item) for item in data or ())


@dataclass(frozen=True)
class DataAccessSpec:
    """Framework knowledge from a rule's catalog (`rules/RL2xx-*.yaml`).

    Every key is optional: a rule's catalog carries what that rule needs."""

    managers: frozenset[str] = frozenset()
    model_bases: frozenset[str] = frozenset()
    queryset_methods: frozenset[str] = frozenset()
    row_methods: frozenset[str] = frozenset()
    instance_methods: frozenset[str] = frozenset()
    instance_tuple_methods: frozenset[str] = frozenset()
    instance_functions: frozenset[str] = frozenset()
    instance_expressions: frozenset[str] = frozenset()
    instance_only_keywords: frozenset[str] = frozenset()
    serializer_suffixes: tuple[str, ...] = ()
    serializer_factories: frozenset[str] = frozenset()
    serializer_parameters: frozenset[str] = frozenset()
    cursor_parameters: frozenset[str] = frozenset()
    django_write_methods: frozenset[str] = frozenset()
    related_write_methods: frozenset[str] = frozenset()
    instance_write_methods: frozenset[str] = frozenset()
    django_connections: frozenset[str] = frozenset()
    sessions: frozenset[str] = frozenset()
    session_factories: frozenset[str] = frozenset()
    session_expressions: frozenset[str] = frozenset()
    session_parameters: frozenset[str] = frozenset()
    sqlalchemy_modules: frozenset[str] = frozenset()
    engines: frozenset[str] = frozenset()
    session_write_methods: frozenset[str] = frozenset()
    write_statements: frozenset[str] = frozenset()
    text_functions: frozenset[str] = frozenset()
    connect_functions: dict[str, bool] = field(default_factory=dict)  # function -> autocommit
    pools: frozenset[str] = frozenset()
    execute_methods: frozenset[str] = frozenset()
    sql_write_verbs: frozenset[str] = frozenset()
    transaction_decorators: frozenset[str] = frozenset()
    transaction_context_managers: frozenset[str] = frozenset()
    transaction_methods: frozenset[str] = frozenset()
    commit_methods: frozenset[str] = frozenset()
    rollback_methods: frozenset[str] = frozenset()
    # Reads (RL202).
    evaluating_methods: frozenset[str] = frozenset()
    query_attributes: frozenset[str] = frozenset()
    session_query_methods: frozenset[str] = frozenset()
    query_evaluating_methods: frozenset[str] = frozenset()
    session_read_methods: frozenset[str] = frozenset()
    scalars_methods: frozenset[str] = frozenset()
    result_methods: frozenset[str] = frozenset()
    select_functions: frozenset[str] = frozenset()
    eager_options_methods: frozenset[str] = frozenset()
    eager_loaders: frozenset[str] = frozenset()
    fetch_methods: frozenset[str] = frozenset()
    sql_read_verbs: frozenset[str] = frozenset()

    @classmethod
    def from_catalog(cls, catalog: dict[str, Any]) -> "DataAccessSpec":
        django = catalog.get("django") or {}
        sqlalchemy = catalog.get("sqlalchemy") or {}
        dbapi = catalog.get("dbapi") or {}
        transactions = catalog.get("transactions") or {}
        return cls(
            managers=_strings(django.get("managers")),
            model_bases=_strings(django.get("model_bases")),
            queryset_methods=_strings(django.get("queryset_methods")),
            row_methods=_strings(django.get("row_methods")),
            instance_methods=_strings(django.get("instance_methods")),
            instance_tuple_methods=_strings(django.get("instance_tuple_methods")),
            instance_functions=_strings(django.get("instance_functions")),
            instance_expressions=_strings(django.get("instance_expressions")),
            instance_only_keywords=_strings(django.get("instance_only_keywords")),
            serializer_suffixes=tuple(sorted(_strings(django.get("serializer_suffixes")))),
            serializer_factories=_strings(django.get("serializer_factories")),
            serializer_parameters=_strings(django.get("serializer_parameters")),
            cursor_parameters=_strings(dbapi.get("cursor_parameters")),
            django_write_methods=_strings(django.get("write_methods")),
            related_write_methods=_strings(django.get("related_write_methods")),
            instance_write_methods=_strings(django.get("instance_write_methods")),
            django_connections=_strings(django.get("connections")),
            sessions=_strings(sqlalchemy.get("sessions")),
            session_factories=_strings(sqlalchemy.get("session_factories")),
            session_expressions=_strings(sqlalchemy.get("session_expressions")),
            session_parameters=_strings(sqlalchemy.get("session_parameters")),
            sqlalchemy_modules=_strings(sqlalchemy.get("modules")),
            engines=_strings(sqlalchemy.get("engines")),
            session_write_methods=_strings(sqlalchemy.get("write_methods")),
            write_statements=_strings(sqlalchemy.get("write_statements")),
            text_functions=_strings(sqlalchemy.get("text_functions")),
            connect_functions={
                str(entry["function"]): bool(entry.get("autocommit", False))
                for entry in dbapi.get("connect") or () if isinstance(entry, dict) and "function" in entry
            },
            pools=_strings(dbapi.get("pools")),
            execute_methods=_strings(dbapi.get("execute_methods")),
            sql_write_verbs=frozenset(v.upper() for v in _strings(dbapi.get("sql_write_verbs"))),
            transaction_decorators=_strings(transactions.get("decorators")),
            transaction_context_managers=_strings(transactions.get("context_managers")),
            transaction_methods=_strings(transactions.get("methods")),
            commit_methods=_strings(transactions.get("commit_methods")),
            rollback_methods=_strings(transactions.get("rollback_methods")),
            evaluating_methods=_strings(django.get("evaluating_methods")),
            query_attributes=_strings(sqlalchemy.get("query_attributes")),
            session_query_methods=_strings(sqlalchemy.get("query_methods")),
            query_evaluating_methods=_strings(sqlalchemy.get("query_evaluating_methods")),
            session_read_methods=_strings(sqlalchemy.get("read_methods")),
            scalars_methods=_strings(sqlalchemy.get("scalars_methods")),
            result_methods=_strings(sqlalchemy.get("result_methods")),
            select_functions=_strings(sqlalchemy.get("select_functions")),
            eager_options_methods=_strings(sqlalchemy.get("eager_options_methods")),
            eager_loaders=_strings(sqlalchemy.get("eager_loaders")),
            fetch_methods=_strings(dbapi.get("fetch_methods")),
            sql_read_verbs=frozenset(v.upper() for v in _strings(dbapi.get("sql_read_verbs"))),
        )


def sql_is_write(sql: str, write_verbs: frozenset[str]) -> bool:
    """Whether SQL text changes data: its first keyword (after comments and
    parentheses) is a write verb, or a `WITH` query contains one."""
    body = SQL_COMMENT_RE.sub("", sql, count=1)
    words = SQL_WORD_RE.findall(body[:2000])
    if not words:
        return False
    first = words[0].upper()
    if first == "WITH":
        return any(word.upper() in write_verbs for word in words[1:])
    return first in write_verbs


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def sql_is_read(sql: str, read_verbs: frozenset[str]) -> bool:
    """Whether SQL text only reads: its first keyword is a read verb."""
    words = SQL_WORD_RE.findall(SQL_COMMENT_RE.sub("", sql, count=1)[:200])
    return bool(words) and words[0].upper() in read_verbs and not sql_is_write(sql, WRITE_VERBS_IN_WITH)


# Writes a `WITH` query may hide (`WITH x AS (...) DELETE ...`).
WRITE_VERBS_IN_WITH = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})


def _entity(node: ast.AST) -> str:
    """The class name in `select(User)` / `session.query(models.User)`."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def label(node: ast.AST) -> str:
    """A short name for a call in messages: `Order.objects.filter(...).update()`."""
    if isinstance(node, ast.Call):
        inner = label(node.func)
        return f"{inner}()" if not node.args and not node.keywords else f"{inner}(...)"
    if isinstance(node, ast.Attribute):
        return f"{label(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Await):
        return label(node.value)
    if isinstance(node, ast.Subscript):
        return f"{label(node.value)}[...]"
    return "(...)"


def label_name(node: ast.AST) -> str:
    """The last name of a call's target: `OrderSerializer` for `serializers.OrderSerializer`."""
    return label(node).rsplit(".", 1)[-1]


def call_label(call: ast.Call) -> str:
    return f"{label(call.func)}()"




class DataAccess:
    """Classifies the database calls of one module.

        data = DataAccess.for_file(file, DataAccessSpec.from_catalog(rule.catalog))
        for function in data.functions():
            data.writes_in(function)     # [Access(label="order.save()", line=12, ...)]
    """

    @classmethod
    def for_file(cls, file: SourceFile, spec: DataAccessSpec) -> "DataAccess | None":
        names = QualifiedNames.for_file(file)
        if names is None:
            return None
        return cls(file.python.tree, names, spec, file.tree_index)

    def __init__(
        self, tree: ast.Module, names: QualifiedNames, spec: DataAccessSpec, index: TreeIndex | None = None
    ):
        self.tree = tree
        self.names = names
        self.spec = spec
        self.index = index if index is not None else TreeIndex(tree)
        self._calls: dict[ast.AST, list[ast.Call]] = {}
        self._locals: dict[ast.AST, LocalBindings] = {}
        self._class_attributes: dict[ast.ClassDef, ClassAttributes] = {}
        self._kinds: dict[tuple[int, int], Kind | None] = {}
        # A method -> its class (methods directly in a class body only).
        self.class_of: dict[ast.AST, ast.ClassDef] = {}
        self.model_classes: set[str] = set()
        self._index()

    @cached_property
    def uses_sqlalchemy(self) -> bool:
        """The module imports SQLAlchemy (or a wrapper), so a `session` parameter is one."""
        modules = self.spec.sqlalchemy_modules
        return any(
            (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in modules)
            or (isinstance(node, ast.Import) and any(a.name.split(".")[0] in modules for a in node.names))
            for node in self.index.of_type(ast.Import, ast.ImportFrom)
        )

    def _index(self) -> None:
        classes = self.index.of_type(ast.ClassDef)
        for cls in classes:
            for item in cls.body:
                if isinstance(item, FUNCTIONS):
                    self.class_of[item] = cls
        # Model classes: a base is a known model base, or a model of this module.
        changed = True
        while changed:
            changed = False
            for cls in classes:
                if cls.name not in self.model_classes and any(self._is_model_class_expr(b) for b in cls.bases):
                    self.model_classes.add(cls.name)
                    changed = True

    # ------------------------------------------------------------ functions

    def functions(self) -> Iterator[Function]:
        yield from self.index.of_type(*FUNCTIONS)

    def calls_in(self, function: ast.AST) -> list[ast.Call]:
        """The calls a run of the function makes itself, comprehensions
        included (not those of nested functions, lambdas or classes), in
        evaluation order (inner calls first)."""
        calls = self._calls.get(function)
        if calls is None:
            calls = self._calls[function] = sorted(
                (node for node in self.index.scope(function, DEFERRED_CODE) if isinstance(node, ast.Call)),
                key=lambda c: (c.end_lineno or 0, c.end_col_offset or 0),
            )
        return calls

    def accesses_in(self, function: Function) -> list[Access]:
        return [a for a in (self.access(c, function) for c in self.calls_in(function)) if a]

    def writes_in(self, function: Function) -> list[Access]:
        """The function's own database writes (not those of functions it calls)."""
        return [a for a in self.accesses_in(function) if a.action == WRITE]

    def is_transactional(self, function: Function) -> bool:
        """Decorated with a transaction (`@transaction.atomic`, with or without arguments)."""
        return any(self.is_transaction_decorator(d) for d in function.decorator_list)

    def is_transaction_decorator(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return self.names.of(target) in self.spec.transaction_decorators

    def is_transaction_scope(self, context: ast.expr, function: Function | None) -> bool:
        """`with <context>:` opens a transaction: `transaction.atomic()`,
        `session.begin()`, `conn.transaction()`, or `with conn:` on a DB-API
        connection that commits at the end of the block."""
        if isinstance(context, ast.Call):
            if self.names.of(context.func) in self.spec.transaction_context_managers:
                return True
            return isinstance(context.func, ast.Attribute) and context.func.attr in self.spec.transaction_methods
        kind = self.kind_of(context, function)
        return kind is not None and kind.what == CONNECTION and kind.framework == DBAPI and not kind.autocommit

    # ---------------------------------------------------------------- calls

    def access(self, call: ast.Call, function: Function | None) -> Access | None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = func.value
        kind = self.kind_of(receiver, function)
        spec = self.spec
        if kind is None:
            if method in spec.instance_write_methods and self._is_model_super(receiver, function):
                return self._access(call, WRITE, DJANGO, True, "", self.class_of[function].name)
            if method in spec.instance_write_methods and any(k.arg in spec.instance_only_keywords for k in call.keywords):
                return self._access(call, WRITE, DJANGO, True, "")  # `order.save(update_fields=[...])`
            if method == "save" and self._is_serializer(receiver, function):
                return self._access(call, WRITE, DJANGO, True, "")
            if method in spec.related_write_methods and isinstance(receiver, ast.Attribute):
                owner = self.kind_of(receiver.value, function)
                if owner and owner.what == INSTANCE and owner.framework == DJANGO and not receiver.attr.startswith("_"):
                    return self._access(call, WRITE, DJANGO, True, "")
            return None
        if kind.framework == DJANGO:
            if kind.what in (QUERYSET, ROWS) and method in spec.django_write_methods:
                return self._access(call, WRITE, DJANGO, True, "", kind.model)
            if kind.what in (QUERYSET, ROWS) and method in spec.evaluating_methods:
                return self._access(call, READ, DJANGO, True, "", kind.model)
            if kind.what == INSTANCE and method in spec.instance_write_methods:
                return self._access(call, WRITE, DJANGO, True, "", kind.model)
            if kind.what in (CURSOR, CONNECTION) and method in spec.execute_methods:
                return self._execute(call, kind)
            return None
        if kind.what == QUERY and method in spec.query_evaluating_methods:
            return self._access(call, READ, SQLALCHEMY, False, "", kind.model)
        if kind.what in (SESSION, CONNECTION, CURSOR) and method in spec.commit_methods and not call.args:
            return self._access(call, COMMIT, kind.framework, kind.autocommit, kind.resource)
        if kind.what == SESSION and method in spec.session_write_methods:
            return self._access(call, WRITE, SQLALCHEMY, False, kind.resource)
        if kind.what == SESSION and method in spec.session_read_methods:
            return self._access(call, READ, SQLALCHEMY, False, kind.resource)
        if kind.what in (SESSION, CONNECTION, CURSOR, POOL) and method in spec.execute_methods:
            return self._execute(call, kind)
        if kind.what in (CONNECTION, POOL) and method in spec.fetch_methods:
            return self._access(call, READ, kind.framework, kind.autocommit, kind.resource)
        return None

    def _access(self, call: ast.Call, action: str, framework: str, autocommit: bool, resource: str,
                target: str = "") -> Access:
        func = call.func
        assert isinstance(func, ast.Attribute)
        return Access(call, action, framework, autocommit, resource, call_label(call), func.attr,
                      target or label(func.value))

    def _execute(self, call: ast.Call, kind: Kind) -> Access | None:
        if not call.args:
            return None
        statement = call.args[0]
        sql = self._sql_text(statement)
        if kind.framework == SQLALCHEMY:
            is_write = self._statement_is_write(statement, 0)
            is_read = not is_write and (sql is None or sql_is_read(sql, self.spec.sql_read_verbs))
        else:
            is_write = sql is not None and sql_is_write(sql, self.spec.sql_write_verbs)
            is_read = sql is not None and sql_is_read(sql, self.spec.sql_read_verbs)
        if is_read and self.spec.sql_read_verbs:
            return self._access(call, READ, kind.framework, kind.autocommit, kind.resource)
        if not is_write:
            return None
        sql = self._sql_text(statement)
        table = SQL_TABLE_RE.search(sql) if sql else None
        return self._access(call, WRITE, kind.framework, kind.autocommit, kind.resource,
                            table.group(1).lower() if table else "")

    def _sql_text(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
        if isinstance(node, ast.Call) and node.args and self.names.of(node.func) in self.spec.text_functions:
            return self._sql_text(node.args[0])
        return None

    def _statement_is_write(self, node: ast.expr, depth: int) -> bool:
        """`insert(User).values(...)`, `users.update().where(...)`, `text("DELETE ...")`."""
        if depth > 4:
            return False
        if isinstance(node, ast.Name):
            bindings = self.bindings_for(node.id, None)
            return bool(bindings) and all(
                isinstance(b, Assigned) and self._statement_is_write(b.value, depth + 1) for b in bindings
            )
        sql = self._sql_text(node)
        if sql is not None:
            return sql_is_write(sql, self.spec.sql_write_verbs)
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("insert", "update", "delete") and not node.args:
                return True  # Table.insert() and friends
            node = node.func.value
        return isinstance(node, ast.Call) and self.names.of(node.func) in self.spec.write_statements

    # ---------------------------------------------------------------- kinds

    def kind_of(self, expr: ast.expr, function: Function | None, depth: int = 0) -> Kind | None:
        key = (id(expr), id(function))
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = None  # a cycle (x = x.next) resolves to unknown
        kind = self._kind_of(expr, function, depth) if depth < 12 else None
        self._kinds[key] = kind
        return kind

    def _kind_of(self, expr: ast.expr, function: Function | None, depth: int) -> Kind | None:
        spec = self.spec
        if isinstance(expr, ast.Await):
            return self.kind_of(expr.value, function, depth + 1)
        text = dotted(expr)
        if text is not None:
            if text in spec.session_expressions:
                return Kind(SESSION, SQLALCHEMY, resource=text)
            if text in spec.instance_expressions:
                return Kind(INSTANCE, DJANGO)
        if isinstance(expr, ast.Name):
            return self._kind_of_name(expr, function, depth)
        if isinstance(expr, ast.Attribute):
            return self._kind_of_attribute(expr, function, depth)
        if isinstance(expr, ast.Call):
            return self._kind_of_call(expr, function, depth)
        if isinstance(expr, ast.Subscript):
            value = self.kind_of(expr.value, function, depth + 1)
            if value is None:
                if self.names.of(expr.value) in spec.django_connections:
                    return Kind(CONNECTION, DJANGO, autocommit=True, resource="django")
                return None
            if value.what == QUERYSET:
                return value if isinstance(expr.slice, ast.Slice) else Kind(INSTANCE, DJANGO, model=value.model)
            if value.what == INSTANCE_TUPLE and isinstance(expr.slice, ast.Constant) and expr.slice.value == 0:
                return Kind(INSTANCE, DJANGO, model=value.model)
        return None

    def _kind_of_name(self, name: ast.Name, function: Function | None, depth: int) -> Kind | None:
        bindings = self.bindings_for(name.id, function)
        if bindings is None:
            return None
        if bindings == "global":
            qualified = self.names.of(name)
            if qualified in self.spec.django_connections:
                return Kind(CONNECTION, DJANGO, autocommit=True, resource="django")
            if name.id in self.model_classes or (qualified and self._is_model_name(qualified)):
                return Kind(MODEL_CLASS, DJANGO, model=name.id)
            return None
        # `x = None` before the real assignment does not hide what x holds.
        bindings = [b for b in bindings if not (isinstance(b, Assigned) and _is_none(b.value))]
        kinds = {self._kind_of_binding(b, function, depth + 1) for b in bindings}
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        if kind is not None and kind.what in (SESSION, CONNECTION, CURSOR) and not kind.resource:
            return Kind(kind.what, kind.framework, kind.autocommit, name.id)
        return kind

    def bindings_for(self, name: str, function: Function | None):
        """The bindings of `name` as seen in `function`: a list, None (cannot
        follow), or "global" (not bound in the function or module: an import
        or a builtin)."""
        for scope in (function, self.tree) if function is not None else (self.tree,):
            bindings = self.locals_of(scope)
            if bindings.is_local(name):
                result = bindings.of(name)
                if scope is self.tree and result is None:
                    return "global"  # an import, a def or a class at module level
                return result
        return "global"

    def locals_of(self, scope: ast.AST) -> LocalBindings:
        if scope not in self._locals:
            self._locals[scope] = LocalBindings(scope, self.index)
        return self._locals[scope]

    def _kind_of_binding(self, binding: Binding, function: Function | None, depth: int) -> Kind | None:
        if isinstance(binding, Assigned):
            return self.kind_of(binding.value, function, depth)
        if isinstance(binding, Unpacked):
            kind = self.kind_of(binding.value, function, depth)
            if kind and kind.what == INSTANCE_TUPLE and binding.index == 0:
                return Kind(INSTANCE, DJANGO, model=kind.model)
            return None
        if isinstance(binding, Iterated):
            iterable = binding.iterable
            if binding.index is not None:
                if not (isinstance(iterable, ast.Call) and self.names.of(iterable.func) is None
                        and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate"
                        and binding.index == 1 and iterable.args):
                    return None
                iterable = iterable.args[0]
            kind = self.kind_of(iterable, function, depth)
            if kind and kind.what == QUERYSET:
                return Kind(INSTANCE, DJANGO, model=kind.model, eager=kind.eager)
            return None
        if isinstance(binding, Entered):
            kind = self.kind_of(binding.context, function, depth)
            if kind and kind.what in (SESSION, CONNECTION, CURSOR):
                return kind
            return None
        if isinstance(binding, Parameter):
            return self._kind_of_parameter(binding.arg, function)
        return None

    def _kind_of_parameter(self, arg: ast.arg, function: Function | None) -> Kind | None:
        if arg.annotation is not None:
            annotation = arg.annotation
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                return None
            qualified = self.names.of(annotation)
            if qualified in self.spec.sessions:
                return Kind(SESSION, SQLALCHEMY, resource=arg.arg)
            if isinstance(annotation, ast.Name) and annotation.id in self.model_classes:
                return Kind(INSTANCE, DJANGO, model=annotation.id)
            if qualified and self._is_model_name(qualified):
                return Kind(INSTANCE, DJANGO, model=qualified.rsplit(".", 1)[-1])
        if function is not None and function in self.class_of:
            cls = self.class_of[function]
            positional = [*function.args.posonlyargs, *function.args.args]
            is_static = any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
                            for d in function.decorator_list)
            if positional and positional[0] is arg and not is_static and cls.name in self.model_classes:
                return Kind(INSTANCE, DJANGO, model=cls.name)
        if arg.annotation is None and arg.arg in self.spec.session_parameters and self.uses_sqlalchemy:
            return Kind(SESSION, SQLALCHEMY, resource=arg.arg)
        if arg.annotation is None and arg.arg in self.spec.cursor_parameters:
            # Its SQL text says whether a call reads or writes; it commits through its connection.
            return Kind(CURSOR, DBAPI, resource=arg.arg)
        return None

    def _is_serializer(self, receiver: ast.expr, function: Function | None) -> bool:
        """A DRF serializer: `serializer = OrderSerializer(data=...)`, `self.get_serializer(...)`,
        or the `serializer` parameter of `perform_create` and friends."""
        if not isinstance(receiver, ast.Name):
            return False
        bindings = self.bindings_for(receiver.id, function)
        if not isinstance(bindings, list) or not bindings:
            return False
        for binding in bindings:
            if isinstance(binding, Parameter):
                if binding.arg.arg not in self.spec.serializer_parameters:
                    return False
            elif isinstance(binding, Assigned) and isinstance(binding.value, ast.Call):
                name = label_name(binding.value.func)
                if not (name.endswith(self.spec.serializer_suffixes) or name in self.spec.serializer_factories):
                    return False
            else:
                return False
        return True

    def _kind_of_attribute(self, expr: ast.Attribute, function: Function | None, depth: int) -> Kind | None:
        spec = self.spec
        if expr.attr in spec.query_attributes and isinstance(expr.value, ast.Name) and expr.value.id[:1].isupper():
            # Flask-SQLAlchemy's `User.query`.
            return Kind(QUERY, SQLALCHEMY, model=expr.value.id)
        if expr.attr in spec.managers:
            owner = self.kind_of(expr.value, function, depth + 1)
            if owner and owner.what == MODEL_CLASS:
                return Kind(QUERYSET, DJANGO, model=owner.model)
            # `Order.objects` on a class this module cannot see: the manager name says enough.
            if isinstance(expr.value, (ast.Name, ast.Attribute)) and label(expr.value).split(".")[-1][:1].isupper():
                return Kind(QUERYSET, DJANGO, model=label(expr.value).split(".")[-1])
            return None
        if isinstance(expr.value, ast.Name) and function is not None and function in self.class_of:
            positional = [*function.args.posonlyargs, *function.args.args]
            if positional and positional[0].arg == expr.value.id:
                cls = self.class_of[function]
                if cls not in self._class_attributes:
                    self._class_attributes[cls] = ClassAttributes(cls, self.index)
                bindings = self._class_attributes[cls].of(expr.attr)
                if bindings:
                    kinds = {self._kind_of_binding(b, None, depth + 1) for b in bindings}
                    if len(kinds) == 1:
                        kind = kinds.pop()
                        if kind is not None and kind.what in (SESSION, CONNECTION, CURSOR):
                            return Kind(kind.what, kind.framework, kind.autocommit, label(expr))
                        return kind
                elif expr.attr in spec.session_parameters and self.uses_sqlalchemy:
                    return Kind(SESSION, SQLALCHEMY, resource=label(expr))
        qualified = self.names.of(expr)
        if qualified and self._is_model_name(qualified):
            return Kind(MODEL_CLASS, DJANGO, model=expr.attr)
        if qualified in spec.django_connections:
            return Kind(CONNECTION, DJANGO, autocommit=True, resource="django")
        return None

    def _kind_of_call(self, call: ast.Call, function: Function | None, depth: int) -> Kind | None:
        spec = self.spec
        func = call.func
        qualified = self.names.of(func)
        if qualified is not None:
            if qualified in spec.sessions:
                return Kind(SESSION, SQLALCHEMY)
            if qualified in spec.session_factories:
                return Kind(SESSION_FACTORY, SQLALCHEMY)
            if qualified in spec.engines:
                return Kind(ENGINE, SQLALCHEMY)
            if qualified in spec.connect_functions:
                return Kind(CONNECTION, DBAPI, autocommit=spec.connect_functions[qualified])
            if qualified in spec.pools:
                return Kind(POOL, DBAPI, autocommit=True)
            if qualified in spec.instance_functions:
                model = self.kind_of(call.args[0], function, depth + 1) if call.args else None
                return Kind(INSTANCE, DJANGO, model=model.model if model else "")
        if isinstance(func, ast.Name):
            callee = self.kind_of(func, function, depth + 1)
            if callee and callee.what == MODEL_CLASS:
                return Kind(INSTANCE, DJANGO, model=callee.model)
            if callee and callee.what == SESSION_FACTORY:
                return Kind(SESSION, SQLALCHEMY)
            return None
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = self.kind_of(func.value, function, depth + 1)
        if receiver is None:
            # `order.lines.filter(...)`: a related manager of a model instance.
            if (isinstance(func.value, ast.Attribute) and method in spec.queryset_methods
                    and not func.value.attr.startswith("_")):
                owner = self.kind_of(func.value.value, function, depth + 1)
                if owner and owner.what == INSTANCE and owner.framework == DJANGO:
                    return Kind(QUERYSET, DJANGO)
            return None
        if receiver.framework == DJANGO:
            if receiver.what == QUERYSET:
                if method in spec.row_methods:
                    return Kind(ROWS, DJANGO, model=receiver.model)
                if method in spec.instance_methods:
                    return Kind(INSTANCE, DJANGO, model=receiver.model)
                if method in spec.instance_tuple_methods:
                    return Kind(INSTANCE_TUPLE, DJANGO, model=receiver.model)
                if method in spec.queryset_methods:
                    eager = receiver.eager
                    if method in ("select_related", "prefetch_related"):
                        eager = (*eager, *self._eager_names(method, call))
                    return Kind(QUERYSET, DJANGO, model=receiver.model, eager=eager)
            if receiver.what == ROWS and method in spec.queryset_methods:
                return receiver
            if receiver.what == CONNECTION and method == "cursor":
                return Kind(CURSOR, DJANGO, autocommit=True, resource="django")
            return None
        if receiver.what == SESSION and method in spec.session_query_methods:
            model = _entity(call.args[0]) if len(call.args) == 1 else ""
            return Kind(QUERY, SQLALCHEMY, model=model)
        if receiver.what == SESSION and method in spec.scalars_methods and call.args:
            # session.scalars(select(User).options(selectinload(User.teams)))
            model, eager = self._select_statement(call.args[0])
            return Kind(RESULTS, SQLALCHEMY, model=model, eager=eager) if model else None
        if receiver.what == SESSION and method in spec.execute_methods and call.args:
            model, eager = self._select_statement(call.args[0])
            return Kind(ROWS, SQLALCHEMY, model=model, eager=eager) if model else None
        if receiver.what == ROWS and receiver.framework == SQLALCHEMY and method in spec.scalars_methods:
            return Kind(RESULTS, SQLALCHEMY, model=receiver.model, eager=receiver.eager)
        if receiver.what == RESULTS and method in spec.result_methods:
            return receiver
        if receiver.what == QUERY:
            if method in spec.result_methods:
                return Kind(RESULTS, SQLALCHEMY, model=receiver.model, eager=receiver.eager)
            if method in spec.eager_options_methods:
                return Kind(QUERY, SQLALCHEMY, model=receiver.model,
                            eager=(*receiver.eager, *self._loader_options(call)))
            if method not in spec.query_evaluating_methods:
                return receiver
        if receiver.what == SESSION_FACTORY and method == "begin":
            return Kind(SESSION, SQLALCHEMY)
        if receiver.what == ENGINE and method in ("connect", "begin"):
            return Kind(CONNECTION, SQLALCHEMY)
        if receiver.what == CONNECTION and method == "cursor":
            return Kind(CURSOR, receiver.framework, receiver.autocommit, receiver.resource or label(func.value))
        if receiver.what == POOL and method == "acquire":
            return Kind(CONNECTION, DBAPI, autocommit=True)
        return None

    def _select_statement(self, node: ast.expr) -> tuple[str, tuple[str, ...]]:
        """`select(User).where(...).options(selectinload(User.teams))` ->
        ('User', ('load:teams',)); ('', ()) when not a one-entity select."""
        eager: list[str] = []
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in self.spec.eager_options_methods:
                eager.extend(self._loader_options(node))
            node = node.func.value
        if not (isinstance(node, ast.Call) and self.names.of(node.func) in self.spec.select_functions
                and len(node.args) == 1):
            return "", ()
        return _entity(node.args[0]), tuple(eager)

    def _loader_options(self, call: ast.Call) -> tuple[str, ...]:
        """`.options(joinedload(User.teams), selectinload(User.roles))` ->
        ('load:teams', 'load:roles'); anything else loads what we cannot tell ('load:*')."""
        found = []
        for option in call.args:
            path = option
            while isinstance(path, ast.Call) and isinstance(path.func, ast.Attribute):
                path = path.func.value  # selectinload(User.teams).selectinload(Team.members)
            if (isinstance(path, ast.Call) and path.args and isinstance(path.args[0], ast.Attribute)
                    and label(path.func).rsplit(".", 1)[-1] in self.spec.eager_loaders):
                found.append(f"load:{path.args[0].attr}")
            else:
                found.append("load:*")
        return tuple(found)

    @staticmethod
    def _eager_names(method: str, call: ast.Call) -> tuple[str, ...]:
        """`select_related("customer")` -> ('select_related:customer',); no
        arguments (every foreign key) or a non-literal -> ('select_related:*',)."""
        names = []
        for arg in call.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.append(f"{method}:{arg.value}")
            else:
                names.append(f"{method}:*")
        return tuple(names) if names else (f"{method}:*",)

    # ---------------------------------------------------------------- models

    def _is_model_class_expr(self, base: ast.expr) -> bool:
        if isinstance(base, ast.Name) and base.id in self.model_classes:
            return True
        qualified = self.names.of(base)
        return qualified is not None and (qualified in self.spec.model_bases or self._is_model_name(qualified))

    def _is_model_name(self, qualified: str) -> bool:
        """A class imported from a `models` module: `shop.models.Order`."""
        if qualified in self.spec.model_bases:
            return True
        parts = qualified.split(".")
        return len(parts) >= 2 and parts[-2] == "models" and parts[-1][:1].isupper()

    def _is_model_super(self, receiver: ast.expr, function: Function | None) -> bool:
        """`super().save()` in a method of a model class."""
        return (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name)
                and receiver.func.id == "super" and function is not None
                and function in self.class_of and self.class_of[function].name in self.model_classes)
