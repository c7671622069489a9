"""RL201 multi-write-without-transaction: related writes that can half-happen.

Per file (`collect`), each function's statements are walked path by path
(the two branches of an `if` never both run; a `return` ends a path) to find
the largest set of writes one run can make:

- autocommit writes (Django, asyncpg) outside any transaction scope: two
  or more on one path, to at least two different models or objects and not
  only deletions, is a finding (staged updates of one row and cleanups a
  rerun completes are deliberate). A call of a function of the same module
  that makes such writes counts as one write, at the call.
- implicit-transaction writes (SQLAlchemy session, DB-API connection): a
  finding when a `commit()` on the same object splits writes into two
  transactions on one path. Commits inside `for` loops are batching, and a
  `try: ...commit() except: rollback()` is a transaction of its own.

`while` loops (workers, polling, retries) are not read: each round is its
own unit of work.

The project pass (`check_project`) then drops what is already atomic:
views, when a settings file turns `ATOMIC_REQUESTS` on, and functions whose
every call found in the project (same module, or through imports matched by
dotted name) is inside a transaction, or in a function that always is.

Each language walks its own syntax (`python/writepaths.py`); the path
algebra and the events are shared (`readylint.writepaths`), and the judgement
of the paths (`problem`) is written once, here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.diagnostics import Finding
from readylint.discovery import matches_skip_paths
from readylint.python.dataaccess import DataAccessSpec
from readylint.python.names import module_name_of
from readylint.python.tree import TreeIndex
from readylint.python.writepaths import FileAnalysis
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile, kind_of
from readylint.typescript.dataaccess import ScriptDataSpec
from readylint.typescript.modules import ModuleResolver, re_exports
from readylint.typescript.runtime import runs_as_script, runs_in_browser
from readylint.typescript.writepaths import ScriptWriteAnalysis, ScriptWriteFacts
from readylint.writepaths import (
    Commit, Event, External, FunctionFacts, HelperCall, ImportedCall, Paths, Write, path_order,
    with_imported_calls,
)

# Files that can neither write through a framework we know nor call a
# writing function inside a transaction (or from a view) are not read.
PREFILTER = ("objects", "save(", "execute", "commit(", ".add(", "create(", "delete(", ".set(", "_manager",
             "atomic", "transaction", "begin(", "request")
# An exported async function that calls the project's own modules may wrap what leaves the process.
PROJECT_IMPORT_RE = re.compile(r"""\bfrom\s*['"](?:\.|@/|~/|#)""")
# ... and scripts that name no write method of a library we know.
SCRIPT_PREFILTER = (".create", ".update", ".upsert", ".delete", ".insert", ".save", ".destroy", ".del(", "Many(",
                    ".query(", ".execute", "sql`", "$execute", "Transaction", "transaction", "insertInto", "updateTable",
                    "deleteFrom", ".remove(", ".increment(", ".decrement(")
# Writes a rerun completes (Django, Prisma, Knex, Sequelize, Mongoose, TypeORM, Kysely):
# deletions, and upserts or find-or-creates that converge on the same rows.
DELETIONS = frozenset({"delete", "adelete", "deleteMany", "del", "destroy", "deleteOne", "remove", "softDelete",
                       "softRemove", "findOneAndDelete", "findByIdAndDelete", "findByIdAndRemove", "deleteFrom"})
ENSURES_ROWS = frozenset({"upsert", "get_or_create", "aget_or_create", "update_or_create", "aupdate_or_create",
                          "findOrCreate"})
IDEMPOTENT = DELETIONS | ENSURES_ROWS
# Writes of many rows at once: beside another write to the same model they keep an
# invariant over a set of rows (one primary, delete all then recreate), not stage one row.
# (Not deletions: "delete the old tokens, create a new one" is a rotation a rerun completes.)
MULTI_ROW = frozenset({"updateMany", "createMany", "createManyAndReturn", "updateManyAndReturn",
                       "bulk_create", "bulk_update", "abulk_create", "abulk_update", "bulkCreate", "insertMany"})


@dataclass
class FileFacts:
    module: str  # `shop.services`, from the path
    functions: list[FunctionFacts]
    atomic_requests: list[bool | None]  # values of ATOMIC_REQUESTS set here (None: not a literal)


class MultiWriteWithoutTransaction(ProjectCheck):
    code = "RL201"
    kinds = frozenset({FileKind.PYTHON, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        catalog = rule.catalog
        self.spec = DataAccessSpec.from_catalog(catalog)
        self.script_spec = ScriptDataSpec(catalog)
        self.skip_paths = [str(p) for p in catalog.get("skip_paths") or ()]
        scripts = catalog.get("typescript") or {}
        self.script_skip_paths = [str(p) for p in scripts.get("skip_paths") or ()]
        self.script_external_packages = frozenset(map(str, scripts.get("external_packages") or ()))
        # A module that imports one of them may export a client other modules call (`lib/stripe.ts`).
        self.imports_external = re.compile(r"""['"](?:node:)?(?:%s)(?:/[^'"]*)?['"]""" % "|".join(
            re.escape(p) for p in sorted(self.script_external_packages)) if self.script_external_packages else r"(?!)")
        django = catalog.get("django") or {}
        self.setting = str(django.get("atomic_requests_setting", "ATOMIC_REQUESTS"))
        self.non_atomic_decorators = frozenset(map(str, django.get("non_atomic_requests") or ()))
        self.view_parameters = frozenset(map(str, django.get("view_parameters") or ()))
        self.view_class_suffixes = tuple(map(str, django.get("view_class_suffixes") or ()))
        self.atomic_callbacks = [
            (frozenset(map(str, entry.get("bases") or ())), frozenset(map(str, entry.get("methods") or ())))
            for entry in django.get("atomic_callbacks") or () if isinstance(entry, dict)
        ]
        self.remedies = {str(k): str(v) for k, v in (catalog.get("remedies") or {}).items()}
        prefixes = "|".join(re.escape(str(p)) for p in catalog.get("lookup_prefixes") or ()) or "(?!)"
        # `get_config`, `getSettings`, `ensureUser`: the prefix, then a word boundary (`_` or a capital).
        self.lookup_names = re.compile(rf"(?:_*)(?:{prefixes})(?:_|[A-Z0-9]|$)")
        self.split_remedies = {str(k): str(v) for k, v in (catalog.get("split_remedies") or {}).items()}

    # ------------------------------------------------------------ per file

    def applies_to(self, file: SourceFile) -> bool:
        text = file.text
        if file.kind in SCRIPT_KINDS:
            # Re-exports too: the project pass follows imports through barrel files.
            return not matches_skip_paths(file.path, self.script_skip_paths) and (
                any(token in text for token in SCRIPT_PREFILTER)
                or ("export" in text and (bool(re_exports(text)) or bool(self.imports_external.search(text))
                                          or ("await" in text and bool(PROJECT_IMPORT_RE.search(text))))))
        if self.setting in text:
            return True
        return not matches_skip_paths(file.path, self.skip_paths) and any(token in text for token in PREFILTER)

    def wants_context(self, path: str) -> bool:
        # Settings (ATOMIC_REQUESTS) and every caller: a function that all
        # its callers wrap must stay silent when only it is linted (cached).
        return path.endswith(".py") or kind_of(path) in SCRIPT_KINDS

    def collect(self, file: SourceFile) -> FileFacts | ScriptWriteFacts | None:
        if file.kind in SCRIPT_KINDS:
            # Browser code writes through an API, not to a database; a one-off script's rerun completes it.
            if file.script.unreadable or runs_in_browser(file) or runs_as_script(file.text):
                return None
            facts = ScriptWriteAnalysis(self, file).facts()
            return facts if facts.functions or facts.re_exports or facts.external_names else None
        tree = file.python.tree
        if tree is None:
            return None
        settings = self._atomic_requests(file.tree_index) if self.setting in file.text else []
        functions = [] if matches_skip_paths(file.path, self.skip_paths) else FileAnalysis(self, file, tree).functions()
        if not settings and not functions:
            return None
        return FileFacts(module_name_of(file.path).removesuffix(".__init__"), functions, settings)

    def _atomic_requests(self, index: TreeIndex) -> list[bool | None]:
        values = []
        for node in index.nodes:
            if isinstance(node, ast.Dict):
                values += [v for k, v in zip(node.keys, node.values) if _is_string(k, self.setting)]
            elif isinstance(node, ast.Assign):
                values += [node.value for t in node.targets
                           if isinstance(t, ast.Subscript) and _is_string(t.slice, self.setting)]
            elif isinstance(node, ast.Call):
                values += [kw.value for kw in node.keywords if kw.arg == self.setting]
        return [v.value if isinstance(v, ast.Constant) and isinstance(v.value, bool) else None for v in values]

    # ------------------------------------------------------------ project

    def check_project(self, facts: dict[str, Any], project: ProjectContext) -> Iterable[Finding]:
        settings = [value for file_facts in facts.values() if isinstance(file_facts, FileFacts)
                    for value in file_facts.atomic_requests]
        # Any settings file that may turn it on (a literal True, or a value we cannot read): views are atomic.
        atomic_views = any(value is not False for value in settings)
        Key = tuple[str, str]  # (path, qualname)
        functions: dict[Key, FunctionFacts] = {
            (path, f.qualname): f for path, file_facts in facts.items() for f in file_facts.functions
        }
        imports = _ImportLinks(facts, project, functions)
        leaving: dict[Key, bool] = {}

        def leaves(key: Key) -> bool:
            """Does a call of this function leave the process, itself or through what it calls?"""
            if key not in leaving:
                leaving[key] = False  # recursion: not through itself
                function = functions[key]
                leaving[key] = function.leaves_process or any(
                    imports.is_external(key[0], module, name)
                    or any(leaves(callee) for callee in imports.callees(key[0], module, name))
                    for module, name, _ in function.imported_calls)
            return leaving[key]

        callers: dict[Key, list[tuple[Key, bool]]] = {}
        for (path, qualname), function in functions.items():
            for callee, scoped in function.calls:
                callers.setdefault((path, callee), []).append(((path, qualname), scoped))
            for module, name, scoped in function.imported_calls:
                for callee in imports.callees(path, module, name):
                    callers.setdefault(callee, []).append(((path, qualname), scoped))
            if function.open_paths:
                # What the functions it calls in other modules do, counted at each call.
                def resolve(call: ImportedCall, path: str = path) -> HelperCall | External | None:
                    for callee_key in imports.callees(path, call.module, call.imported):
                        callee = functions[callee_key]
                        if callee.writes:
                            return HelperCall(call.line, call.name, callee.writes, call.in_loop)
                        if leaves(callee_key):
                            return External(call.line, call.name, call.in_loop)
                    if imports.is_external(path, call.module, call.imported):
                        return External(call.line, call.name, call.in_loop)
                    return None
                # Every path of the function, now with what those calls do: this judgement replaces the first.
                function.problem = self.problem(function.name, with_imported_calls(function.open_paths, resolve))
        memo: dict[Key, bool] = {}

        def atomic(key: Key, seen: frozenset[Key] = frozenset()) -> bool:
            """Does every known run of this function happen inside a transaction?"""
            if key in memo:
                return memo[key]
            function = functions.get(key)
            if function is None:
                return False
            if function.transactional or (atomic_views and function.is_view and not function.non_atomic):
                result = True
            else:
                sites = callers.get(key, [])
                result = bool(sites) and key not in seen and all(
                    scoped or atomic(caller, seen | {key}) for caller, scoped in sites
                )
            memo[key] = result
            return result

        for key in sorted(functions):
            function = functions[key]
            if function.problem and not atomic(key):
                yield new_finding(self.rule, key[0], function.line, function.column, function.problem,
                                  end_column=function.end_column, fingerprint_key=function.qualname)

    # ------------------------------------------------------------ judging (both languages)

    def problem(self, name: str, paths: Paths) -> str:
        """Why a function with these write paths is a finding (its message), or ""."""
        best: tuple[Write | HelperCall, ...] = ()
        ordered = sorted(paths, key=path_order)  # the same answer in every process
        for events, _ in ordered:
            for segment in _between_externals(events):
                # A helper that only makes sure rows exist (get_or_create, upsert), or a lookup that
                # creates a default row on first use (`get_settings()`), converges on a rerun:
                # it joins no unit of work.
                units = tuple(e for e in segment if (isinstance(e, HelperCall) and not _ensures_rows(e.writes)
                                                     and not self.lookup_names.match(e.name))
                              or (isinstance(e, Write) and e.autocommit))
                if len(units) > len(best) and _related(units):
                    best = units
        if best:
            return self._autocommit_message(name, best)
        for events, _ in ordered:
            split = _split_commit(events)
            if split:
                return self._split_message(name, split)
        return ""

    def _autocommit_message(self, name: str, units: tuple[Write | HelperCall, ...]) -> str:
        parts = []
        frameworks = set()
        for unit in units:
            loop = " in a loop" if unit.in_loop else ""
            if isinstance(unit, Write):
                parts.append(f"{unit.label}{loop} (line {unit.line})")
                frameworks.add(unit.framework)
            else:
                inner = ", ".join(f"{w.label} line {w.line}" for w in unit.writes[:3])
                more = ", ..." if len(unit.writes) > 3 else ""
                parts.append(f"{unit.name}(){loop} (line {unit.line}, which writes: {inner}{more})")
                frameworks.update(w.framework for w in unit.writes)
        remedy = self.remedies.get("django" if "django" in frameworks else min(frameworks), "")
        return (f"`{name}` makes {len(units)} database writes that each commit on their own: "
                f"{'; '.join(parts)}. A failure between them leaves partial data; {remedy}")

    def _split_message(self, name: str, split: tuple[str, list[Write], int, list[Write]]) -> str:
        resource, before, commit_line, after = split
        first = ", ".join(f"{w.label} (line {w.line})" for w in before[:3])
        then = ", ".join(f"{w.label} (line {w.line})" for w in after[:3])
        remedy = self.split_remedies.get(before[0].framework, "")
        return (f"`{name}` splits related writes with a commit: {first}, committed by "
                f"`{resource}.commit()` at line {commit_line}, then {then} in another transaction. "
                f"A failure after the commit leaves partial data; {remedy}")


class _ImportLinks:
    """The project functions a call through an import may run: Python's matched by
    dotted name, TS/JS's resolved as the module system would."""

    def __init__(self, facts: dict[str, Any], project: ProjectContext, functions: dict[tuple[str, str], FunctionFacts]):
        self.functions = functions
        self.python = {path for path, f in facts.items() if isinstance(f, FileFacts)}
        self.by_dotted = _DottedIndex(
            (f"{facts[path].module}.{qualname}", (path, qualname)) for path, qualname in functions if path in self.python
        )
        self.scripts = {path: f for path, f in facts.items() if isinstance(f, ScriptWriteFacts)}
        self.project = project
        self._resolver: ModuleResolver | None = None
        self._memo: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def callees(self, path: str, module: str, name: str) -> list[tuple[str, str]]:
        key = (path, module, name)
        if key not in self._memo:
            self._memo[key] = (self.by_dotted.matching(f"{module}.{name}") if path in self.python
                               else self._script_callees(path, module, name))
        return self._memo[key]

    def is_external(self, path: str, specifier: str, name: str) -> bool:
        """A name a project module binds to what leaves the process (`export const stripe = new Stripe()`)."""
        if path in self.python:
            return False
        return any(name_there in self.scripts[where].external_names
                   for where, name_there in self._definitions(path, specifier, name) if where in self.scripts)

    def _definitions(self, path: str, specifier: str, name: str) -> list[tuple[str, str]]:
        key = ("definitions", path, specifier, name)
        if key not in self._memo:
            if self._resolver is None:
                self._resolver = ModuleResolver(self.project.root, self.scripts)
                self._re_exported = {p: f.re_exports for p, f in self.scripts.items() if f.re_exports}
            target = self._resolver.resolve(path, specifier)
            self._memo[key] = [] if target is None else list(self._resolver.definitions(target, name, self._re_exported))
        return self._memo[key]

    def _script_callees(self, path: str, specifier: str, name: str) -> list[tuple[str, str]]:
        found = []
        for where, exported in self._definitions(path, specifier, name):
            module = self.scripts.get(where)
            if module is not None:
                callee = module.default_export if exported == "default" else exported
                if (where, callee) in self.functions:
                    found.append((where, callee))
        return found


class _DottedIndex:
    """Functions by dotted name, found from an import's qualified name: the
    import may lack a path prefix (`src.`, a project directory on sys.path),
    so a function matches when either name ends with the other."""

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        self._by_last: dict[str, list[tuple[str, Any]]] = {}
        for dotted_name, value in entries:
            self._by_last.setdefault(dotted_name.rsplit(".", 1)[-1], []).append((dotted_name, value))

    def matching(self, target: str) -> list[Any]:
        found = []
        for dotted_name, value in self._by_last.get(target.rsplit(".", 1)[-1], ()):
            if "." in target and (dotted_name == target or dotted_name.endswith("." + target)
                                  or target.endswith("." + dotted_name)):
                found.append(value)
        return found


def _is_string(node: ast.AST | None, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


def _between_externals(events: tuple[Event, ...]) -> list[tuple[Event, ...]]:
    """A path's events cut at each call that leaves the process: no transaction can hold
    writes on both sides of an API call, so each side is judged by itself."""
    segments, current = [], []
    for event in events:
        if isinstance(event, External):
            segments.append(tuple(current))
            current = []
        else:
            current.append(event)
    segments.append(tuple(current))
    return segments


def _idempotent(writes: tuple[Write, ...]) -> bool:
    return all(w.method in IDEMPOTENT for w in writes)


def _ensures_rows(writes: tuple[Write, ...]) -> bool:
    """Only upserts and get-or-creates: the rows are there afterwards, however often it runs.
    (A helper that deletes does change what its caller's other writes leave behind.)"""
    return all(w.method in ENSURES_ROWS for w in writes)


def _related(units: tuple[Write | HelperCall, ...]) -> bool:
    """Two or more writes that plausibly belong together: not only deletions and
    upserts (a rerun completes them), and to at least two different models or
    objects, unless one of them writes many rows (staged updates of one row are
    deliberate; "make this the primary, demote the others" is an invariant)."""
    if len(units) < 2:
        return False
    writes = [w for unit in units for w in (unit.writes if isinstance(unit, HelperCall) else (unit,))]
    if _idempotent(tuple(writes)):
        return False
    return len({w.target for w in writes}) >= 2 or any(w.method in MULTI_ROW for w in writes)


def _split_commit(events: tuple[Event, ...]) -> tuple[str, list[Write], int, list[Write]] | None:
    """A resource's writes, a commit of it, then more of its writes: on one path."""
    pending = [e for e in events if isinstance(e, Write) and not e.autocommit]
    for resource in sorted({w.resource for w in pending}):
        before: list[Write] = []
        for index, event in enumerate(events):
            if isinstance(event, Write) and not event.autocommit and event.resource == resource:
                before.append(event)
            elif isinstance(event, Commit) and event.resource == resource and before:
                after = [e for e in events[index + 1:]
                         if isinstance(e, Write) and not e.autocommit and e.resource == resource]
                if after:
                    return resource, before, event.line, after
    return None


