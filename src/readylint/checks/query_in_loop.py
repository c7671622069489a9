"""RL202 query-in-loop: one database round trip per iteration (N+1).

Per file (`collect`), every `for` loop and comprehension is scanned for the
queries its body runs: reads classified by the data-access model (a
QuerySet evaluated, `session.get`, `cursor.execute("SELECT ...")`), a
QuerySet passed to `list()`/`len()`, and, on the loop's own model
instances, related-manager calls (`order.lines.all()`) the iterated
queryset does not prefetch. Those are findings already. Attribute reads on
the loop's instances (`order.customer`, `team.members`) are only
candidates: whether `customer` is a foreign key, or `members` a lazy
SQLAlchemy relationship, is known from the model's declaration, which
usually lives in another file, so the project pass (`check_project`) joins
them with every file's model facts (and the eager loads of the iterated
query: `select_related`, `prefetch_related`, `selectinload`, `joinedload`).

A query belongs to the innermost loop around it. Loops over literal
collections (and small literal `range`s) are transparent: what they run is
charged to the loop around them. `while` loops are polling, paging or
retrying by design and are not read.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.diagnostics import Finding
from readylint.discovery import matches_skip_paths
from readylint.python.dataaccess import (
    DJANGO, INSTANCE, QUERY, QUERYSET, READ, RESULTS, ROWS, SQLALCHEMY, DataAccess, DataAccessSpec, Function, Kind, label,
)
from readylint.python.localflow import FUNCTIONS, Assigned
from readylint.python.tree import COMPREHENSIONS
from readylint.loopqueries import LoopFacts, Query, RelationRead
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile, kind_of
from readylint.typescript.dataaccess import ScriptDataSpec
from readylint.typescript.modules import ModuleResolver, ReExport, re_exports
from readylint.typescript.queryloops import ScriptLoopScanner
from readylint.typescript.runtime import runs_as_script, runs_in_browser

LOOPS = (ast.For, ast.AsyncFor, *COMPREHENSIONS)
PREFILTER = ("objects", "execute", "query", ".get(", "scalar", "fetch", "_manager", "Model")
# A module that imports the project's own modules (whose functions may query).
PROJECT_IMPORT_RE = re.compile(r"""\bfrom\s*['"](?:\.|@/|~/|#|@[\w-]+/)|\brequire\(\s*['"]\.""")
# Scripts that name no read method of a library we know, or no loop, are not parsed.
SCRIPT_PREFILTER = (".find", ".select(", ".query(", "sql`", ".count(", ".execute(", "selectFrom(", ".first(",
                    "$queryRaw", ".aggregate(", ".groupBy(", ".exists(", ".pluck(", ".one(", ".many(", ".any(")
SCRIPT_LOOPS = ("for (", "for await", "forEach(", ".map(", "flatMap(", ".filter(", ".reduce(", ".some(", ".every(",
                "for(")
# Related-manager methods that lists, dicts or sets also have only count
# when called like a manager (no positional arguments).
NO_ARGUMENT_METHODS = frozenset({"all", "count", "exists", "first", "last", "get"})
# Related-manager calls a prefetch_related() cache answers without a query.
PREFETCH_SERVED = frozenset({"all", "count", "exists"})
MAX_LISTED = 3


@dataclass
class FileFacts:
    loops: list[LoopFacts]
    # Model class name -> attribute -> the call that batches it (select_related).
    relations: dict[str, dict[str, str]]
    # Model class names declared here (to tell "not a relation" from "unknown model").
    models: list[str]
    # Functions defined here that query on every call: name -> (the query, its remedy).
    readers: dict[str, tuple[str, str]] = field(default_factory=dict)
    re_exports: tuple[ReExport, ...] = ()  # TS/JS, to follow imports through barrel files


@dataclass(frozen=True)
class LoopTarget:
    """A loop variable that holds a model instance of the iterated queryset."""

    name: str
    kind: Kind


class QueryInLoop(ProjectCheck):
    code = "RL202"
    kinds = frozenset({FileKind.PYTHON, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        catalog = rule.catalog
        self.spec = DataAccessSpec.from_catalog(catalog)
        django = catalog.get("django") or {}
        self.skip_paths = [str(p) for p in catalog.get("skip_paths") or ()]
        self.script_spec = ScriptDataSpec(catalog)
        self.script_skip_paths = [str(p) for p in (catalog.get("typescript") or {}).get("skip_paths") or ()]
        self.small_range = int(catalog.get("small_range", 10))
        self.command_methods = frozenset(map(str, catalog.get("command_methods") or ()))
        self.evaluating_builtins = frozenset(map(str, django.get("evaluating_builtins") or ()))
        self.related_manager_methods = frozenset(map(str, django.get("related_manager_methods") or ()))
        sqlalchemy = catalog.get("sqlalchemy") or {}
        self.relation_fields = frozenset(map(str, django.get("relation_fields") or ()))
        self.relationship_functions = frozenset(map(str, sqlalchemy.get("relationship_functions") or ()))
        self.eager_lazy = frozenset(map(str, sqlalchemy.get("eager_lazy_values") or ()))
        self.mapped_markers = frozenset(map(str, sqlalchemy.get("model_markers") or ()))
        self.remedies = {str(k): str(v) for k, v in (catalog.get("remedies") or {}).items()}
        prefixes = "|".join(re.escape(str(p)) for p in catalog.get("lookup_prefixes") or ()) or "(?!)"
        # `getOwner`, `find_team`: the prefix, then a word boundary (`_` or a capital).
        self.lookup_names = re.compile(rf"_*(?:{prefixes})(?:_|[A-Z0-9]|$)")
        self.relation_remedies = {str(k): str(v) for k, v in (catalog.get("relation_remedies") or {}).items()}

    def applies_to(self, file: SourceFile) -> bool:
        text = file.text
        if file.kind in SCRIPT_KINDS:
            # Loops that query or call the project's functions, modules that export functions
            # that query, and barrel files that re-export them.
            loops = any(token in text for token in SCRIPT_LOOPS)
            reads = any(token in text for token in SCRIPT_PREFILTER)
            return not matches_skip_paths(file.path, self.script_skip_paths) and (
                (reads and (loops or "export" in text)) or (loops and bool(PROJECT_IMPORT_RE.search(text)))
                or ("export" in text and bool(re_exports(text))))
        return any(token in text for token in PREFILTER)

    def wants_context(self, path: str) -> bool:
        # Model declarations, for `order.customer` in a linted view: models
        # live in any module (`models.py`, `db/tables.py`, `schema.py`).
        return path.endswith(".py")

    def collect(self, file: SourceFile) -> FileFacts | None:
        if file.kind in SCRIPT_KINDS:
            # Browser code queries through an API: its round trips are the API's. A one-off script's are its own.
            if file.script.unreadable or runs_in_browser(file) or runs_as_script(file.text):
                return None
            scanner = ScriptLoopScanner(file, self.script_spec, self.remedies, self.small_range, self.lookup_names)
            loops = scanner.scan()
            readers = scanner.readers()
            exported = re_exports(file.text) if "export" in file.text else ()
            return FileFacts(loops, {}, [], readers, exported) if loops or readers or exported else None
        tree = file.python.tree
        if tree is None or matches_skip_paths(file.path, self.skip_paths):
            return None
        model = DataAccess.for_file(file, self.spec)
        relations, models = self._model_facts(model)
        loops = LoopScanner(self, model).scan(tree)
        if not loops and not models:
            return None
        return FileFacts(loops, relations, models)

    def _model_facts(self, model: DataAccess) -> tuple[dict[str, dict[str, str]], list[str]]:
        """Model classes declared here, and their attributes that load other
        rows when read: Django foreign keys, SQLAlchemy lazy relationships.
        (class name -> attribute -> framework)"""
        relations: dict[str, dict[str, str]] = {}
        models = []
        for cls in model.index.of_type(ast.ClassDef):
            fields = [(target, value) for target, value in _class_fields(cls)]
            kinds = {label(value.func).rsplit(".", 1)[-1] for _, value in fields}
            framework = DJANGO if cls.name in model.model_classes else (
                SQLALCHEMY if kinds & self.mapped_markers else None)
            if framework is None:
                continue
            models.append(cls.name)
            for target, value in fields:
                kind = label(value.func).rsplit(".", 1)[-1]
                if framework == DJANGO and kind in self.relation_fields:
                    relations.setdefault(cls.name, {})[target] = DJANGO
                elif framework == SQLALCHEMY and kind in self.relationship_functions and self._lazy(value):
                    relations.setdefault(cls.name, {})[target] = SQLALCHEMY
        return relations, models

    def _lazy(self, relationship: ast.Call) -> bool:
        """`relationship(..., lazy="selectin")` loads with its parent; the default ("select") does not."""
        for keyword in relationship.keywords:
            if keyword.arg == "lazy":
                value = keyword.value
                if not isinstance(value, ast.Constant):
                    return False  # decided at run time: cannot tell
                if isinstance(value.value, bool):
                    return value.value  # lazy=True is "select", lazy=False is "joined"
                return value.value not in self.eager_lazy
            if keyword.arg == "sa_relationship_kwargs":
                return False  # SQLModel: the loading strategy is inside a dict we do not read
        return True

    # ------------------------------------------------------------ project

    def check_project(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        declared: dict[str, int] = {}
        relations: dict[str, dict[str, list[str]]] = {}
        for file_facts in facts.values():
            for name in file_facts.models:
                declared[name] = declared.get(name, 0) + 1
            for name, fields in file_facts.relations.items():
                for attribute, batch in fields.items():
                    relations.setdefault(name, {}).setdefault(attribute, []).append(batch)
        readers = _ImportedReaders(facts, project)
        for path in sorted(facts):
            for loop in facts[path].loops:
                queries = list(loop.queries) + [
                    Query(line, f"{name}()", remedy, runs=query)
                    for module, name, line in loop.calls
                    for query, remedy in readers.of(path, module, name)[:1]
                ]
                for read in loop.relation_reads:
                    frameworks = relations.get(read.model, {}).get(read.attribute, [])
                    # A relation in every model of that name (two apps may reuse a class name).
                    if frameworks and len(frameworks) == declared.get(read.model, 0) \
                            and read.framework in frameworks:
                        remedy = self.relation_remedies.get(read.framework, "")
                        queries.append(Query(read.line, read.text,
                                             remedy.format(model=read.model, attribute=read.attribute)))
                if not queries:
                    continue
                queries.sort(key=lambda q: q.line)
                listed = ", ".join(f"`{q.text}` (line {q.line}{f', which runs `{q.runs}`' if q.runs else ''})"
                                   for q in queries[:MAX_LISTED])
                more = f" and {len(queries) - MAX_LISTED} more" if len(queries) > MAX_LISTED else ""
                noun = "query runs" if len(queries) == 1 else "queries run"
                yield new_finding(
                    self.rule, path, loop.line, loop.column,
                    f"{noun} once per iteration of this loop: {listed}{more}; {queries[0].remedy}",
                    end_line=loop.end_line, end_column=loop.end_column,
                )


class _ImportedReaders:
    """The functions of other TS/JS modules that query, found as the module system resolves an import."""

    def __init__(self, facts: dict[str, Any], project: ProjectContext):
        self.scripts = {path: f for path, f in facts.items() if kind_of(path) in SCRIPT_KINDS}
        self.project = project
        self._resolver: ModuleResolver | None = None

    def of(self, path: str, specifier: str, name: str) -> list[tuple[str, str]]:
        if self._resolver is None:
            self._resolver = ModuleResolver(self.project.root, self.scripts)
            self._re_exported = {p: f.re_exports for p, f in self.scripts.items() if f.re_exports}
        target = self._resolver.resolve(path, specifier)
        if target is None:
            return []
        return [self.scripts[where].readers[exported]
                for where, exported in self._resolver.definitions(target, name, self._re_exported)
                if where in self.scripts and exported in self.scripts[where].readers]


class LoopScanner:
    """Finds the loops of one module and the queries each runs per iteration."""

    def __init__(self, check: QueryInLoop, model: DataAccess):
        self.check = check
        self.model = model
        self.spec = model.spec
        self.loops: list[LoopFacts] = []

    def scan(self, tree: ast.Module) -> list[LoopFacts]:
        self._visit(tree, None, None, ())
        return [loop for loop in self.loops if loop.queries or loop.relation_reads]

    def _visit(self, node: ast.AST, function: Function | None, loop: LoopFacts | None,
               targets: tuple[LoopTarget, ...]) -> None:
        for child in self.model.index.children(node):
            self._visit_node(child, function, loop, targets)

    def _visit_node(self, node: ast.AST, function: Function | None, loop: LoopFacts | None,
                    targets: tuple[LoopTarget, ...]) -> None:
        if loop is None and not self.model.index.contains(node, LOOPS):
            return  # outside loops only loops matter: most of a module is skipped here
        if isinstance(node, FUNCTIONS):
            for decorator in node.decorator_list:
                self._visit_node(decorator, function, loop, targets)
            # A function defined in a loop runs when called, not per iteration.
            self._visit(node, node, None, ())
            return
        if isinstance(node, (ast.Lambda, ast.ClassDef)):
            self._visit(node, function, None, ())
            return
        if isinstance(node, ast.While):
            self._visit(node, function, None, ())
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._visit_node(node.iter, function, loop, targets)
            self._note_iterated_query(node.iter, function, loop, targets)
            if self._is_interactive(node):
                # Prompts the user each round: as slow as the person typing, by design.
                self._visit(node, function, None, ())
                return
            inner, inner_targets = self._enter(node, node.iter, node.target, function, loop, targets)
            for statement in node.body:
                self._visit_node(statement, function, inner, inner_targets)
            for statement in node.orelse:
                self._visit_node(statement, function, loop, targets)
            return
        if isinstance(node, COMPREHENSIONS):
            first = node.generators[0]
            self._visit_node(first.iter, function, loop, targets)
            self._note_iterated_query(first.iter, function, loop, targets)
            inner, inner_targets = self._enter(node, first.iter, first.target, function, loop, targets)
            for generator in node.generators:
                if generator is not first:
                    self._visit_node(generator.iter, function, inner, inner_targets)
                    inner_targets += self._targets(generator.target, generator.iter, function)
                for condition in generator.ifs:
                    self._visit_node(condition, function, inner, inner_targets)
            for part in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
                self._visit_node(part, function, inner, inner_targets)
            return
        if loop is not None:
            if isinstance(node, ast.Call):
                query = self._query(node, function, targets)
                if query is not None:
                    loop.queries.append(query)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                read = self._relation_read(node, targets)
                if read is not None:
                    loop.relation_reads.append(read)
        self._visit(node, function, loop, targets)

    def _note_iterated_query(self, iterable: ast.expr, function: Function | None, loop: LoopFacts | None,
                             targets: tuple[LoopTarget, ...]) -> None:
        """`for order in Order.objects.filter(customer=c)` inside a loop over
        customers: iterating runs the query, once per outer iteration."""
        if loop is None or (isinstance(iterable, ast.Call) and self._query(iterable, function, targets)):
            return  # not in a loop, or already counted (`order.lines.all()`)
        kind = self.model.kind_of(iterable, function)
        if kind is not None and kind.what in (QUERYSET, ROWS, QUERY) and isinstance(iterable, ast.Call):
            loop.queries.append(Query(iterable.lineno, f"iterating {label(iterable)}",
                                      self.check.remedies.get(kind.framework, "")))

    def _enter(self, node: ast.AST, iterable: ast.expr, target: ast.expr, function: Function | None,
               loop: LoopFacts | None, targets: tuple[LoopTarget, ...]):
        """The loop facts and loop variables for the body of a loop."""
        new_targets = targets + self._targets(target, iterable, function)
        if self._is_small(iterable, function):
            return loop, new_targets  # charged to the loop around it
        facts = LoopFacts(node.lineno, node.col_offset + 1, node.lineno,
                          node.col_offset + 1 + (3 if isinstance(node, (ast.For, ast.AsyncFor)) else 1))
        if isinstance(node, ast.AsyncFor):
            facts.end_column += 6
        self.loops.append(facts)
        return facts, new_targets

    def _targets(self, target: ast.expr, iterable: ast.expr, function: Function | None) -> tuple[LoopTarget, ...]:
        """`for order in Order.objects.filter(...)`: order holds an instance of that queryset."""
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(iterable, ast.Call) \
                and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" and iterable.args:
            target, iterable = target.elts[1], iterable.args[0]
        if not isinstance(target, ast.Name):
            return ()
        kind = self.model.kind_of(iterable, function)
        if kind is None or not ((kind.what == QUERYSET and kind.framework == DJANGO)
                                or (kind.what in (QUERY, RESULTS) and kind.framework == SQLALCHEMY)):
            return ()
        return (LoopTarget(target.id, Kind(INSTANCE, kind.framework, model=kind.model, eager=kind.eager)),)

    def _is_small(self, iterable: ast.expr, function: Function | None = None) -> bool:
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Constant)):
            return True
        if self._is_constant(iterable, function) or self._is_command_line(iterable, function):
            return True
        if isinstance(iterable, ast.Call):
            func = iterable.func
            if isinstance(func, ast.Name) and func.id == "range" and iterable.args:
                bound = iterable.args[-1] if len(iterable.args) < 3 else iterable.args[1]
                return isinstance(bound, ast.Constant) and isinstance(bound.value, int) \
                    and bound.value <= self.check.small_range
            if isinstance(func, ast.Name) and func.id in ("enumerate", "sorted", "reversed", "zip") \
                    and iterable.args:
                return all(self._is_small(arg) for arg in iterable.args)
            if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values") \
                    and isinstance(func.value, ast.Dict):
                return True
        return False

    def _is_interactive(self, loop: ast.For | ast.AsyncFor) -> bool:
        return any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "input"
            and self.model.names.of(node.func) is None
            for node in self.model.index.walk(loop)
        )

    def _is_command_line(self, iterable: ast.expr, function: Function | None) -> bool:
        """`for slug in options["project_slugs"]` in a management command's
        `handle(*args, **options)`: values typed on a command line are few."""
        if function is None or function.name not in self.check.command_methods:
            return False
        star = {a.arg for a in (function.args.vararg, function.args.kwarg) if a is not None}
        node = iterable
        if isinstance(node, ast.Name) and node.id not in star:
            # `slugs = options["slugs"]` first.
            bindings = self.model.locals_of(function).of(node.id) or []
            values = [b.value for b in bindings if isinstance(b, Assigned)]
            if not values or len(values) != len(bindings):
                return False
            return all(self._is_command_line(value, function) for value in values)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            node = node.func.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        return isinstance(node, ast.Name) and node.id in star

    def _is_constant(self, iterable: ast.expr, function: Function | None) -> bool:
        """A module-level or imported constant collection: `STATUS_CHOICES`,
        `settings.LANGUAGES`, an enum or choices class (`Color`)."""
        if not isinstance(iterable, (ast.Name, ast.Attribute)):
            return False
        root = iterable
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return False
        if function is not None and self.model.locals_of(function).is_local(root.id):
            return False
        last = iterable.attr if isinstance(iterable, ast.Attribute) else iterable.id
        return last.isupper() or (last[:1].isupper() and not last.isupper() and "_" not in last
                                  and self.model.kind_of(iterable, function) is None)

    # ------------------------------------------------------------ queries

    def _query(self, call: ast.Call, function: Function | None, targets: tuple[LoopTarget, ...]) -> Query | None:
        remedies = self.check.remedies
        access = self.model.access(call, function)
        if access is not None:
            if access.action != READ or self._rereads_loop_row(call, access.target, targets):
                return None
            return Query(call.lineno, access.label, remedies.get(access.framework, ""))
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.check.evaluating_builtins and len(call.args) == 1 \
                and self.model.names.of(func) is None:
            kind = self.model.kind_of(call.args[0], function)
            if kind is not None and kind.framework == DJANGO and kind.what == QUERYSET:
                return Query(call.lineno, f"{func.id}({label(call.args[0])})", remedies.get(DJANGO, ""))
            return None
        if not (isinstance(func, ast.Attribute) and func.attr in self.check.related_manager_methods
                and isinstance(func.value, ast.Attribute) and isinstance(func.value.value, ast.Name)):
            return None
        if func.attr in NO_ARGUMENT_METHODS and call.args:
            return None
        manager = func.value
        owner = next((t for t in reversed(targets) if t.name == manager.value.id), None)
        if owner is None or owner.kind.framework != DJANGO or manager.attr.startswith("_"):
            return None
        if func.attr in PREFETCH_SERVED:
            if _eager_covers(owner.kind.eager, manager.attr, "prefetch_related"):
                return None
            remedy = f"add `.prefetch_related(\"{manager.attr}\")` to the queryset this loop iterates"
        else:
            # A prefetched manager still queries for these: batch by the owner.
            if _eager_covers(owner.kind.eager, manager.attr, "prefetch_related") and "*" in "".join(owner.kind.eager):
                return None  # a Prefetch(...) object may already carry this filter
            remedy = (f"query the `{manager.attr}` of all rows at once before the loop (a `filter(<relation>__in=...)`),"
                      f" or prefetch them with `Prefetch(\"{manager.attr}\", queryset=...)`")
        return Query(call.lineno, f"{label(func)}()", remedy)

    @staticmethod
    def _rereads_loop_row(call: ast.Call, model: str, targets: tuple[LoopTarget, ...]) -> bool:
        """`Check.objects.filter(id=check.id).exists()` while iterating checks:
        a freshness check of the current row, not a query a batch could replace."""
        rows = {t.name for t in targets if t.kind.model == model}
        node: ast.AST = call
        while isinstance(node, ast.Call) or isinstance(node, ast.Attribute):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg in ("id", "pk") and isinstance(value, ast.Attribute) \
                            and value.attr in ("id", "pk") and isinstance(value.value, ast.Name) \
                            and value.value.id in rows:
                        return True
                node = node.func
            else:
                node = node.value
        return False

    def _relation_read(self, node: ast.Attribute, targets: tuple[LoopTarget, ...]) -> RelationRead | None:
        if not isinstance(node.value, ast.Name) or node.attr.startswith("_"):
            return None
        owner = next((t for t in reversed(targets) if t.name == node.value.id), None)
        if owner is None or not owner.kind.model:
            return None
        if _eager_covers(owner.kind.eager, node.attr, "select_related", "prefetch_related", "load"):
            return None
        return RelationRead(node.lineno, f"{owner.name}.{node.attr}", owner.name, owner.kind.model, node.attr,
                            owner.kind.framework)


def _class_fields(cls: ast.ClassDef) -> list[tuple[str, ast.Call]]:
    """`name = Call(...)` and `name: T = Call(...)` in a class body."""
    fields = []
    for item in cls.body:
        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            target, value = item.targets[0].id, item.value
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is not None:
            target, value = item.target.id, item.value
        else:
            continue
        if isinstance(value, ast.Call):
            fields.append((target, value))
    return fields


def _eager_covers(eager: tuple[str, ...], attribute: str, *methods: str) -> bool:
    """Does `select_related("customer__region")` (or `*`: no arguments, or not
    literal) load `attribute` with the rows?"""
    for entry in eager:
        method, _, path = entry.partition(":")
        if method in methods and (path == "*" or path.split("__")[0] == attribute):
            return True
    return False
