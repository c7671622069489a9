"""Database access in one TS/JS module: which calls read or write, and which
code runs inside a transaction, for Prisma, the Supabase client, Drizzle,
Kysely, Knex, Sequelize, Mongoose, TypeORM and SQL clients.

    await prisma.order.create({ data })            a Prisma write to `order`
    await supabase.from('orders').insert(row)      a Supabase write to `orders`
    await db.insert(orders).values(row)            a Drizzle write to `orders`
    await knex('orders').where({ id }).update(x)   a Knex write to `orders`
    await Order.create(row)                        a Sequelize/Mongoose write (Order is a model)
    await this.orderRepository.save(order)         a TypeORM write
    await pool.query('UPDATE orders SET ...')      a SQL write (the SQL says so)
    await prisma.$transaction(async (tx) => {...}) the callback runs in one transaction

The clients of these libraries are usually made in one project module and
imported everywhere else (`import { db } from '@/lib/db'`), so a call is
recognised by a shape no other common library makes (a Prisma delegate call
has a `data` or `where` argument; a Drizzle insert is followed by
`.values()`), by the declared type of its receiver (`Repository<Order>`), or
by where its model class comes from. What the shapes are is catalog data
(`rules/data-access.yaml`, section `typescript`); this module applies it.
Anything else is not classified, and rules stay silent on it.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass
from typing import Any

from readylint.typescript.names import ModuleNames
from readylint.typescript.objects import ObjectFlow
from readylint.typescript.tree import ScriptParse, literal_prefix, string_value, text, unwrapped

WRITE = "write"
READ = "read"
# Imperative transaction scopes: `client.query('BEGIN')` ... `client.query('COMMIT')`.
BEGIN = "begin"
END = "end"

SQL_LEADING_RE = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*|\(\s*)*", re.S)
SQL_TABLE_RE = re.compile(r"\b(?:INTO|UPDATE|FROM|TABLE)\s+([\w.\"`]+)", re.I)
PASCAL_RE = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
WORD_RE = re.compile(r"[A-Za-z]+")
# Names Knex clients go by when a table is given as a constant or the client is a class field.
KNEX_CLIENT_NAMES = frozenset({"knex", "trx", "db", "database", "knexClient", "queryBuilder"})
# Functions called with a string that build no query.
NOT_QUERY_BUILDERS = frozenset({"require", "import", "$", "jQuery"})
# The sections of the `typescript` vocabulary ScriptDataSpec reads.
VOCABULARY_KEYS = ("prisma", "supabase", "drizzle", "kysely", "knex", "models", "typeorm", "sql", "transactions",
                   "background_calls", "background_functions")
# Where a project module may come from: a relative path, an alias, a workspace package.
PROJECT_SPECIFIER_PREFIXES = (".", "@/", "~/", "#", "@")
# How long a receiver may be in a message before it is shortened.
MAX_LABEL = 40


def _strings(data: Any) -> frozenset[str]:
    return frozenset(str(item) for item in data or ())


def _keyed(data: Any) -> dict[str, frozenset[str]]:
    """`{method: [keys]}`, or a plain list of methods (no keys)."""
    if isinstance(data, dict):
        return {str(k): _strings(v) for k, v in data.items()}
    return {str(item): frozenset() for item in data or ()}


@dataclass(frozen=True)
class ScriptAccess:
    """One database call."""

    call: Any  # the call_expression node
    action: str  # WRITE, READ, BEGIN or END
    framework: str  # prisma, supabase, drizzle, kysely, knex, sequelize-mongoose, typeorm, sql
    label: str  # how a message names it: `prisma.order.create()`
    method: str
    target: str  # the model or table

    @property
    def line(self) -> int:
        return self.call.start_point[0] + 1


class ScriptDataSpec:
    """The `typescript` section of the data-access vocabulary."""

    def __init__(self, catalog: dict[str, Any]):
        section = catalog.get("typescript") or {}
        # What the vocabulary is made of: rules whose catalogs agree on it share one analysis of a file.
        self.key = json.dumps({name: section.get(name) for name in VOCABULARY_KEYS}, sort_keys=True, default=str)
        prisma = section.get("prisma") or {}
        self.prisma_writes = _keyed(prisma.get("writes"))
        self.prisma_reads = _keyed(prisma.get("reads"))
        self.prisma_clients = _strings(prisma.get("clients"))
        self.prisma_raw_writes = _strings(prisma.get("raw_writes"))
        self.prisma_raw_reads = _strings(prisma.get("raw_reads"))
        touch_fields = _strings(prisma.get("touch_fields"))
        self.touch_field_re = re.compile("|".join(f"(?:{p})" for p in sorted(touch_fields))) if touch_fields else None
        supabase = section.get("supabase") or {}
        self.supabase_writes = _strings(supabase.get("writes"))
        self.supabase_reads = _strings(supabase.get("reads"))
        self.supabase_not_tables = _strings(supabase.get("not_tables"))
        drizzle = section.get("drizzle") or {}
        self.drizzle_writes = _keyed(drizzle.get("writes"))
        self.drizzle_reads = _keyed(drizzle.get("reads"))
        self.drizzle_relational_reads = _strings(drizzle.get("relational_reads"))
        kysely = section.get("kysely") or {}
        self.kysely_writes = _strings(kysely.get("writes"))
        self.kysely_reads = _strings(kysely.get("reads"))
        knex = section.get("knex") or {}
        self.knex_writes = _strings(knex.get("writes"))
        self.knex_reads = _strings(knex.get("reads"))
        self.knex_table_methods = _strings(knex.get("table_methods"))
        models = section.get("models") or {}
        self.model_writes = _strings(models.get("writes"))
        self.model_reads = _strings(models.get("reads"))
        self.instance_writes = _strings(models.get("instance_writes"))
        self.instance_reads = _strings(models.get("instance_reads"))
        self.model_definitions = _strings(models.get("definitions"))
        self.model_path_words = _strings(models.get("model_path_words"))
        self.model_types = _strings(models.get("model_types"))
        self.model_namespaces = _strings(models.get("model_namespaces"))
        self.not_models = _strings(models.get("not_models"))
        typeorm = section.get("typeorm") or {}
        self.typeorm_writes = _strings(typeorm.get("writes"))
        self.typeorm_reads = _strings(typeorm.get("reads"))
        self.repository_types = _strings(typeorm.get("repository_types"))
        self.repository_suffixes = tuple(_strings(typeorm.get("repository_suffixes")))
        self.repository_factories = _strings(typeorm.get("repository_factories"))
        self.manager_types = _strings(typeorm.get("manager_types"))
        self.managers = _strings(typeorm.get("managers"))
        sql = section.get("sql") or {}
        self.sql_methods = _strings(sql.get("methods"))
        self.sql_tags = _strings(sql.get("tags"))
        self.sql_verbs = {
            **{verb.upper(): WRITE for verb in _strings(sql.get("write_verbs"))},
            **{verb.upper(): READ for verb in _strings(sql.get("read_verbs"))},
            **{verb.upper(): BEGIN for verb in _strings(sql.get("begin_verbs"))},
            **{verb.upper(): END for verb in _strings(sql.get("end_verbs"))},
        }
        transactions = section.get("transactions") or {}
        self.transaction_callbacks = _strings(transactions.get("callbacks"))
        self.transaction_batches = _strings(transactions.get("batches"))
        self.begin_methods = _strings(transactions.get("begin_methods"))
        self.end_methods = _strings(transactions.get("end_methods"))
        self.transaction_options = _strings(transactions.get("options"))
        self.transaction_builder_methods = _strings(transactions.get("builder_methods"))
        self.transaction_parameter_names = _strings(transactions.get("parameter_names"))
        self.transaction_parameter_types = _strings(transactions.get("parameter_types"))
        self.transaction_decorators = _strings(transactions.get("decorators"))
        self.background_calls = _strings(section.get("background_calls"))
        self.background_functions = _strings(section.get("background_functions"))
        self.loop_callbacks = _strings(transactions.get("loop_callbacks"))
        self.sequence_callbacks = _strings(transactions.get("sequence_callbacks"))
        # Every method name a classified call can end with: the cheap test before any shape is read.
        self.methods = frozenset().union(
            self.prisma_writes, self.prisma_reads, self.prisma_raw_writes, self.prisma_raw_reads,
            self.supabase_writes, self.supabase_reads, self.drizzle_writes, self.drizzle_reads,
            self.drizzle_relational_reads, self.kysely_writes, self.kysely_reads, self.knex_writes,
            self.knex_reads, self.model_writes, self.model_reads, self.instance_writes, self.instance_reads,
            self.typeorm_writes, self.typeorm_reads, self.sql_methods, self.sql_tags,
            self.begin_methods, self.end_methods,
        )


class ScriptDataAccess:
    """Classifies the calls of one module (`access`) and finds its transaction scopes."""

    @classmethod
    def for_file(cls, file: Any, spec: ScriptDataSpec) -> "ScriptDataAccess":
        """The file's analysis, shared by RL201 and RL202 (and what they ask of it)."""
        return file.shared((cls, spec.key), lambda: cls(file.script, file.text, spec, ModuleNames.for_file(file)))

    def __init__(self, parse: ScriptParse, source_text: str, spec: ScriptDataSpec, names: ModuleNames | None = None):
        self.parse = parse
        self.spec = spec
        self.names = names if names is not None else ModuleNames(parse, source_text)
        self._accesses: dict[tuple[int, int], ScriptAccess | None] = {}
        self.mentions_supabase = "supabase" in source_text
        self._local_models = self._declared_models()
        # Weakly: a model -> flow -> model cycle would keep the file's tree alive until a rare collection.
        creates = weakref.WeakMethod(self._creates_instance)
        self.flow = ObjectFlow(parse, lambda node: (method := creates()) is not None and method(node))

    # ------------------------------------------------------------ classification

    def access(self, call: Any) -> ScriptAccess | None:
        key = (call.start_byte, call.end_byte)
        if key not in self._accesses:
            self._accesses[key] = self._access(call)
        return self._accesses[key]

    def _access(self, call: Any) -> ScriptAccess | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        if function.type == "identifier":
            if text(function) in self.spec.sql_tags:
                return self._sql(call, text(function), _template_argument(call))
            return None
        if function.type != "member_expression":
            return None
        prop = function.child_by_field_name("property")
        method = text(prop) if prop is not None else ""
        if method not in self.spec.methods:
            return None
        receiver = unwrapped(function.child_by_field_name("object"))
        if receiver is None:
            return None
        for classify in (self._prisma, self._supabase_or_knex, self._drizzle, self._kysely, self._typeorm,
                         self._model, self._instance, self._sql_method, self._imperative_scope):
            found = classify(call, receiver, method)
            if found is not None:
                return found
        return None

    def _prisma(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        if method in spec.prisma_raw_writes or method in spec.prisma_raw_reads:
            # What it does is what its SQL says: DDL, and SQL built elsewhere, are not data access we know.
            sql = _first_text(call)
            action = _sql_verb(sql, spec)
            if action not in (READ, WRITE):
                return None
            return ScriptAccess(call, action, "prisma", f"{short_text(receiver)}.{method}", method, _sql_table(sql) or method)
        keys = spec.prisma_writes.get(method)
        action = WRITE
        if keys is None:
            keys, action = spec.prisma_reads.get(method), READ
        if keys is None or receiver.type != "member_expression":
            return None
        model = receiver.child_by_field_name("property")
        client = unwrapped(receiver.child_by_field_name("object"))
        if model is None or client is None or not text(model)[:1].islower():
            return None
        if client.type == "member_expression" and text(client.child_by_field_name("property")) == "query":
            return None  # Drizzle's relational queries: `db.query.users.findFirst({ where })`
        first = _first_argument(call)
        argument_keys = _object_keys(first)
        if not (argument_keys & keys or text(client) in spec.prisma_clients):
            return None
        if action == WRITE and _touches_only(first, spec.touch_field_re):
            return None  # `data: { lastUsedAt: new Date() }`: bookkeeping, not part of any unit of work
        return ScriptAccess(call, action, "prisma", f"{short_text(client)}.{text(model)}.{method}()", method, text(model))

    def _supabase_or_knex(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        """`supabase.from('t').insert()`, `knex('t').where(...).update()`, `knex.table('t').del()`."""
        spec = self.spec
        supabase_method = method in spec.supabase_writes or method in spec.supabase_reads
        knex_method = method in spec.knex_writes or method in spec.knex_reads
        if not (supabase_method or knex_method):
            return None
        table_call = _table_call(receiver, spec.knex_table_methods)
        if table_call is None:
            return None
        table, entry, root, written = table_call
        if entry is None:  # `knex('t')`: only Knex builds queries by calling the client
            if not knex_method or not self._may_be_knex(text(root)):
                return None
            framework = "knex"
        else:
            if any(part in spec.supabase_not_tables for part in _member_names(root)):
                return None
            supabase = self.mentions_supabase or "supabase" in text(root).lower()
            if supabase and not supabase_method or not supabase and not knex_method:
                return None
            framework = "supabase" if supabase else "knex"
        writes = spec.supabase_writes if framework == "supabase" else spec.knex_writes
        action = WRITE if method in writes else READ
        entry_text = f".{entry}" if entry else ""
        return ScriptAccess(call, action, framework, f"{short_text(root)}{entry_text}({written}).{method}()", method, table)

    def _may_be_knex(self, name: str) -> bool:
        """A function imported from a package other than Knex (`createHash('sha256').update()`) is no client."""
        binding = self.names.bindings.get(name)
        return binding is None or binding[0] == "knex" or binding[0].startswith(PROJECT_SPECIFIER_PREFIXES)

    def _drizzle(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        followers = spec.drizzle_writes.get(method)
        action = WRITE
        if followers is None:
            followers, action = spec.drizzle_reads.get(method), READ
        if followers is None:
            if method in spec.drizzle_relational_reads and receiver.type == "member_expression":
                namespace = unwrapped(receiver.child_by_field_name("object"))
                table = receiver.child_by_field_name("property")
                if namespace is not None and namespace.type == "member_expression" and table is not None:
                    query = namespace.child_by_field_name("property")
                    if query is not None and text(query) == "query":
                        return ScriptAccess(call, READ, "drizzle", f"{short_text(receiver)}.{method}()", method, text(table))
            return None
        follower = following_call(call)
        if follower is None or follower[0] not in followers:
            return None
        if action == WRITE:
            table = _first_argument(call)
            if table is None or table.type not in ("identifier", "member_expression"):
                return None
        else:
            table = _first_argument(follower[1])
            if table is None or _is_subquery(follower[1]):
                return None
        return ScriptAccess(call, action, "drizzle", f"{short_text(receiver)}.{method}({short_text(table)})", method,
                            text(table).rsplit(".", 1)[-1])

    def _kysely(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        if method not in spec.kysely_writes and method not in spec.kysely_reads:
            return None
        table = string_value(_first_argument(call))
        if table is None:
            return None
        action = WRITE if method in spec.kysely_writes else READ
        return ScriptAccess(call, action, "kysely", f"{short_text(receiver)}.{method}('{table}')", method,
                            table.split(" ")[0])

    def _typeorm(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        if method not in spec.typeorm_writes and method not in spec.typeorm_reads:
            return None
        target = self._repository_entity(receiver)
        if target is None:
            if not self._is_manager(receiver):
                return None
            first = _first_argument(call)
            if first is None or first.type != "identifier" or not PASCAL_RE.match(text(first)):
                return None  # `manager.save(entity)`: the entity's class is not known
            target = text(first)
        action = WRITE if method in spec.typeorm_writes else READ
        if action == READ and method == "query" and _sql_verb(_first_text(call), spec) == WRITE:
            action = WRITE
        return ScriptAccess(call, action, "typeorm", f"{short_text(receiver)}.{method}()", method, target)

    def _repository_entity(self, receiver: Any) -> str | None:
        """The entity a TypeORM repository is for (`Order`), or None if `receiver` is no repository."""
        spec = self.spec
        declared = self.flow.declared_type(receiver)
        if declared is not None:
            generic = _generic(declared)
            if generic is not None and generic[0] in spec.repository_types:
                return generic[1] or _receiver_name(receiver)
        if receiver.type == "call_expression":
            return self._repository_from_factory(receiver)
        if receiver.type == "identifier":
            origins = [unwrapped(v) for v in self.flow.values_of(text(receiver))]
            for origin in origins:
                if origin is not None and origin.type == "call_expression":
                    entity = self._repository_from_factory(origin)
                    if entity is not None:
                        return entity
        name = _receiver_name(receiver)
        if name and (name == "repository" or any(
                name.endswith(suffix) and len(name) > len(suffix) for suffix in spec.repository_suffixes)):
            base = name
            for suffix in spec.repository_suffixes:
                base = base.removesuffix(suffix)
            return base or name
        return None

    def _repository_from_factory(self, call: Any) -> str | None:
        function = call.child_by_field_name("function")
        name = text(function).rsplit(".", 1)[-1] if function is not None else ""
        if name not in self.spec.repository_factories:
            return None
        entity = _first_argument(call)
        return text(entity) if entity is not None else name

    def _is_manager(self, receiver: Any) -> bool:
        if text(receiver) in self.spec.managers:
            return True
        declared = self.flow.declared_type(receiver)
        return declared is not None and text(declared) in self.spec.manager_types

    def _model(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        if method not in spec.model_writes and method not in spec.model_reads:
            return None
        model = self._model_name(receiver)
        if model is None:
            return None
        action = WRITE if method in spec.model_writes else READ
        return ScriptAccess(call, action, "sequelize-mongoose", f"{short_text(receiver)}.{method}()", method, model)

    def _model_name(self, receiver: Any) -> str | None:
        """The model a receiver is: a Sequelize or Mongoose model class."""
        spec = self.spec
        name = None
        if receiver.type == "identifier":
            name = text(receiver)
            if name in spec.not_models or not PASCAL_RE.match(name):
                name = None
            elif name not in self._local_models and not self._imported_model(name):
                name = None
        elif receiver.type == "member_expression":
            namespace = unwrapped(receiver.child_by_field_name("object"))
            prop = receiver.child_by_field_name("property")
            if namespace is not None and prop is not None and text(namespace) in spec.model_namespaces \
                    and PASCAL_RE.match(text(prop)):
                name = text(prop)
        if name is None:
            declared = self.flow.declared_type(receiver)
            generic = _generic(declared) if declared is not None else None
            if generic is not None and generic[0] in spec.model_types:
                name = generic[1] or _receiver_name(receiver)
        return name

    def _imported_model(self, name: str) -> bool:
        binding = self.names.bindings.get(name)
        if binding is None:
            return False
        specifier = binding[0]
        if not specifier.startswith(PROJECT_SPECIFIER_PREFIXES):
            return False
        return any(word.lower() in self.spec.model_path_words for word in WORD_RE.findall(specifier))

    def _declared_models(self) -> frozenset[str]:
        """Models this module defines: `const Order = sequelize.define(...)`, `mongoose.model(...)`,
        `class Order extends Model`."""
        found = set()
        for declarator in self.parse.of("declarator"):
            name, value = declarator.child_by_field_name("name"), unwrapped(declarator.child_by_field_name("value"))
            if name is None or name.type != "identifier" or value is None or value.type != "call_expression":
                continue
            function = value.child_by_field_name("function")
            if function is not None and text(function).rsplit(".", 1)[-1] in self.spec.model_definitions:
                found.add(text(name))
        for cls in self.parse.of("class"):
            name = cls.child_by_field_name("name")
            heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
            if name is not None and heritage is not None and re.search(r"\bextends\s+(?:\w+\.)?Model\b", text(heritage)):
                found.add(text(name))
        return frozenset(found)

    def _creates_instance(self, node: Any) -> bool:
        """`new Order(...)` or `Order.findOne(...)` / `Order.create(...)`: a model instance."""
        if node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            return constructor is not None and self._model_name(constructor) is not None
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return False
        prop = function.child_by_field_name("property")
        receiver = unwrapped(function.child_by_field_name("object"))
        return (prop is not None and text(prop) in self.spec.model_reads | {"create", "findOrCreate"}
                and receiver is not None and self._model_name(receiver) is not None)

    def _instance(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        spec = self.spec
        if method not in spec.instance_writes and method not in spec.instance_reads:
            return None
        origins = self.flow.origins(receiver)
        if not origins:
            return None
        origin = origins[0]
        model_node = origin.child_by_field_name("constructor") if origin.type == "new_expression" else (
            unwrapped(origin.child_by_field_name("function").child_by_field_name("object")))
        model = self._model_name(model_node) or text(model_node)
        action = WRITE if method in spec.instance_writes else READ
        return ScriptAccess(call, action, "sequelize-mongoose", f"{short_text(receiver)}.{method}()", method, model)

    def _sql_method(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        if method not in self.spec.sql_methods:
            return None
        return self._sql(call, f"{short_text(receiver)}.{method}", _first_argument(call))

    def _sql(self, call: Any, callee: str, statement: Any) -> ScriptAccess | None:
        sql = literal_prefix(statement)
        action = _sql_verb(sql, self.spec)
        if action is None:
            return None
        return ScriptAccess(call, action, "sql", f"{callee}(`{_sql_head(sql)}`)", callee.rsplit(".", 1)[-1],
                            _sql_table(sql) or "")

    def _imperative_scope(self, call: Any, receiver: Any, method: str) -> ScriptAccess | None:
        if method in self.spec.begin_methods:
            return ScriptAccess(call, BEGIN, "typeorm", f"{short_text(receiver)}.{method}()", method, "")
        if method in self.spec.end_methods:
            return ScriptAccess(call, END, "typeorm", f"{short_text(receiver)}.{method}()", method, "")
        return None

    # ------------------------------------------------------------ transactions

    def transaction_callback(self, call: Any) -> bool:
        """Does the call run its function argument inside one transaction?
        `prisma.$transaction(async (tx) => ...)`, `db.transaction().execute(async (trx) => ...)`,
        and a project's own helpers named so (`withTransaction(cb)`, `this.#inTransaction(tx, cb)`)."""
        function = call.child_by_field_name("function")
        name = _callee_name(function)
        if name == "execute" and function.type == "member_expression":  # Kysely: `db.transaction().execute(cb)`
            inner = unwrapped(function.child_by_field_name("object"))
            if inner is None or inner.type != "call_expression":
                return False
            name = _callee_name(inner.child_by_field_name("function"))
        return name in self.spec.transaction_callbacks or "transaction" in name.lower()

    def batches(self, call: Any) -> bool:
        """`prisma.$transaction([a, b])`, or a batch the project's wrapper runs (`transaction([a, b])`):
        the calls in its arguments run in one transaction."""
        first = _first_argument(call)
        return _callee_name(call.child_by_field_name("function")) in self.spec.transaction_batches and (
            first is not None and first.type == "array")

    def batches_deferred(self, call: Any) -> bool:
        """`prisma.$transaction(steps)`: a batch of queries made earlier (Prisma's are lazy:
        `steps.push(prisma.a.update(...))` runs nothing until the batch runs it)."""
        first = _first_argument(call)
        if _callee_name(call.child_by_field_name("function")) not in self.spec.transaction_batches or first is None:
            return False
        # `$transaction(steps)`, or `$transaction([createOrder, updateStock])` of queries held in names.
        return first.type in ("identifier", "spread_element", "call_expression") or (
            first.type == "array" and any(e.type in ("identifier", "spread_element") for e in first.named_children))

    def in_background(self, call: Any) -> bool:
        """`waitUntil(...)`, Next.js `after(...)`: what it is given runs after the response, best effort."""
        function = call.child_by_field_name("function")
        return _callee_name(function) in self.spec.background_calls or (
            function is not None and self.names.of(function) in self.spec.background_functions)

    def in_callers_transaction(self, access: ScriptAccess) -> bool:
        """A write the caller scopes: `{ transaction: t }`, `.transacting(trx)`, `{ session }`, or
        made on a transaction client a function is given (`tx: Prisma.TransactionClient`)."""
        spec = self.spec
        for call in _chain_calls(access.call):
            arguments = call.child_by_field_name("arguments")
            for argument in arguments.named_children if arguments is not None else ():
                if _object_keys(argument) & spec.transaction_options:
                    return True
            function = call.child_by_field_name("function")
            if function is not None and function.type == "member_expression" and \
                    text(function.child_by_field_name("property")) in spec.transaction_builder_methods:
                return True
        root = root_of(access.call)
        if root is None or root.type != "identifier":
            return False
        if text(root) in spec.transaction_parameter_names:
            return True
        declared = self.flow.declared_type(root)
        return declared is not None and any(name in text(declared) for name in spec.transaction_parameter_types)

    def is_best_effort(self, call: Any) -> bool:
        """`prisma.audit.create(...).catch(log)`: a failure is expected and ignored."""
        node = call
        while (follower := following_call(node)) is not None:
            if follower[0] == "catch":
                return True
            node = follower[1]
        return False

    def loop_callback(self, call: Any) -> bool:
        return _method(call) in self.spec.loop_callbacks

    def sequence_callback(self, call: Any) -> bool:
        return _method(call) in self.spec.sequence_callbacks


# ---------------------------------------------------------------- shapes


def _callee_name(function: Any | None) -> str:
    """`transaction` for `transaction(...)`, `db.transaction(...)` and `this.#transaction(...)`."""
    if function is None:
        return ""
    if function.type == "identifier":
        return text(function)
    if function.type == "member_expression":
        prop = function.child_by_field_name("property")
        return text(prop).lstrip("#") if prop is not None else ""
    return ""


def _method(call: Any) -> str:
    function = call.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return ""
    prop = function.child_by_field_name("property")
    return text(prop) if prop is not None else ""


def _first_argument(call: Any) -> Any | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return None
    return next((c for c in arguments.named_children if c.type != "comment"), None)


def _template_argument(call: Any) -> Any | None:
    """The template of a tagged template call (`sql`INSERT ...``)."""
    arguments = call.child_by_field_name("arguments")
    return arguments if arguments is not None and arguments.type == "template_string" else None


def _first_text(call: Any) -> str:
    """The literal start of the SQL a raw call runs: a tagged template or a string argument."""
    template = _template_argument(call)
    return literal_prefix(template if template is not None else _first_argument(call)) or ""


def _object_keys(node: Any) -> frozenset[str]:
    node = unwrapped(node)
    if node is None or node.type != "object":
        return frozenset()
    keys = set()
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            keys.add(string_value(key) if key is not None and key.type == "string" else text(key))
        elif child.type == "shorthand_property_identifier":
            keys.add(text(child))
    return frozenset(keys)


def _touches_only(argument: Any, fields: "re.Pattern[str] | None") -> bool:
    """An update whose `data` sets only last-used timestamps."""
    if fields is None:
        return False
    argument = unwrapped(argument)
    if argument is None or argument.type != "object":
        return False
    data = next((unwrapped(c.child_by_field_name("value")) for c in argument.named_children
                 if c.type == "pair" and text(c.child_by_field_name("key")) == "data"), None)
    keys = _object_keys(data)
    return bool(keys) and all(fields.fullmatch(key) for key in keys)


def _table_call(receiver: Any, table_methods: frozenset[str]) -> tuple[str, str | None, Any, str] | None:
    """Down a builder chain to the call that names its table: (table, entry method or
    None for `knex('t')`, the client expression, the table as written: `'orders'`, `TableUser`)."""
    node = receiver
    for _ in range(16):
        if node is None or node.type != "call_expression":
            return None
        function = node.child_by_field_name("function")
        first = _first_argument(node)
        table = string_value(first)
        if function is not None and function.type == "identifier" and table is not None:
            # `knex('orders')`; not `require('m')` or jQuery's `$('#id')`
            return (table, None, function, f"'{table}'") if text(function) not in NOT_QUERY_BUILDERS else None
        if function is not None and _names_knex(function) and first is not None and (
                table is not None or first.type in ("identifier", "member_expression")):
            # `this.knex(TableRevision)`, `knex(Tables.users)`: a client field, a table named by a constant
            written = f"'{table}'" if table is not None else text(first)
            return (table if table is not None else text(first).rsplit(".", 1)[-1]), None, function, written
        if function is None or function.type != "member_expression":
            return None
        method = text(function.child_by_field_name("property"))
        inner = unwrapped(function.child_by_field_name("object"))
        if method in table_methods and table is not None:
            return table, method, inner, f"'{table}'"
        node = inner
    return None


def _names_knex(function: Any) -> bool:
    """`knex`, `trx`, `this.knex`, `this.db`: what Knex clients are called by convention."""
    name = text(function.child_by_field_name("property")) if function.type == "member_expression" else (
        text(function) if function.type == "identifier" else "")
    return name in KNEX_CLIENT_NAMES


def following_call(call: Any) -> tuple[str, Any] | None:
    """`x.insert(t).values(...)`: ("values", the values call) for the insert call."""
    member = call.parent
    if member is None or member.type != "member_expression":
        return None
    outer = member.parent
    prop = member.child_by_field_name("property")
    if outer is None or outer.type != "call_expression" or prop is None:
        return None
    return text(prop), outer


def _is_subquery(call: Any) -> bool:
    """A builder chain passed to another call (`exists(db.select().from(t))`,
    `inArray(t.id, db.select(...))`): part of that query, not run by itself."""
    node = call
    while (follower := following_call(node)) is not None:
        node = follower[1]
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    return parent is not None and parent.type == "arguments"


def _chain_calls(call: Any) -> list[Any]:
    """Every call of the builder chain a call is part of: `a.b(x).c(y).d()`."""
    calls = []
    node = call
    while node is not None and node.type == "call_expression":  # down: the calls it is made on
        calls.append(node)
        function = node.child_by_field_name("function")
        node = unwrapped(function.child_by_field_name("object")) if function is not None and \
            function.type == "member_expression" else None
    node = call
    while (follower := following_call(node)) is not None:  # up: the calls made on it
        node = follower[1]
        calls.append(node)
    return calls


def root_of(node: Any) -> Any | None:
    """The expression a chain starts from: `tx` in `tx.order.create()`, `knex` in
    `knex('t').insert()`, `Stripe` in `new Stripe(key)`."""
    for _ in range(32):
        node = unwrapped(node)
        if node is None:
            return None
        if node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type == "new_expression":
            node = node.child_by_field_name("constructor")
        elif node.type == "member_expression":
            node = node.child_by_field_name("object")
        else:
            return node
    return None


def _member_names(node: Any) -> list[str]:
    names = []
    while node is not None:
        node = unwrapped(node)
        if node is None:
            break
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None:
                names.append(text(prop))
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        else:
            names.append(text(node))
            break
    return names


def _receiver_name(receiver: Any) -> str:
    """`orderRepository` for `orderRepository` and `this.orderRepository`."""
    if receiver.type == "identifier":
        return text(receiver)
    if receiver.type == "member_expression":
        prop = receiver.child_by_field_name("property")
        return text(prop) if prop is not None else ""
    return ""


def _generic(declared: Any) -> tuple[str, str] | None:
    """`Repository<Order>` -> ("Repository", "Order"); `Repository` -> ("Repository", "")."""
    declared_text = text(declared)
    match = re.match(r"^(?:[\w$]+\.)?([\w$]+)\s*(?:<\s*([\w$.]+)[^>]*>)?", declared_text)
    if match is None:
        return None
    return match.group(1), (match.group(2) or "").rsplit(".", 1)[-1]


def _sql_verb(sql: str | None, spec: ScriptDataSpec) -> str | None:
    if not sql:
        return None
    body = SQL_LEADING_RE.sub("", sql, count=1).upper()
    for verb, action in spec.sql_verbs.items():
        if body.startswith(verb) and (len(body) == len(verb) or not body[len(verb)].isalnum()):
            return action
    return None


def _sql_head(sql: str) -> str:
    body = SQL_LEADING_RE.sub("", sql, count=1).strip()
    words = body.split()
    head = " ".join(words[:3])
    return head + (" ..." if len(words) > 3 else "")


def _sql_table(sql: str | None) -> str | None:
    match = SQL_TABLE_RE.search(sql or "")
    return match.group(1).strip('"`').lower() if match else None


def short_text(node: Any) -> str:
    value = " ".join(text(node).split())
    return value if len(value) <= MAX_LABEL else value[:MAX_LABEL - 3] + "..."
