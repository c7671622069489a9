"""RL401 migration-without-down: a migration with no way back.

Each file's facts say where it sits in its tool's history and, when the file
itself holds the rollback (dbmate and goose sections, Liquibase changesets,
Alembic's downgrade(), Django's reverse_code), what that rollback looks like.
Tools that keep the rollback in another file (golang-migrate, Flyway undo,
sqitch revert, Prisma's down.sql) are paired in the project pass.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable

from readylint.checks.base import ProjectCheck, ProjectContext, new_finding
from readylint.config import ConfigError
from readylint.diagnostics import Severity
from readylint.discovery import matches_skip_paths
from readylint.migrations import conventions as conv
from readylint.migrations.liquibase_changelog import (
    EMPTY_ROLLBACK, NO_ROLLBACK, PRESENT_ROLLBACK, changelog_changesets, is_changelog,
)
from readylint.migrations.python_migrations import alembic_revision, django_irreversible_operations
from readylint.sources import SCRIPT_KINDS, FileKind, SourceFile
from readylint.typescript.migrations import read_migration
from readylint.sql.statements import changes_only_data, has_effect

# States of a rollback.
PRESENT, MISSING, EMPTY, IRREVERSIBLE = "present", "missing", "empty", "irreversible"
REQUIRE_CHOICES = ("when-supported", "always", "never")


@dataclass(frozen=True)
class Step:
    """One forward migration (with its rollback's state when the file holds
    it), or one rollback file waiting to be paired with its forward file."""

    convention: str
    history: str
    key: str  # pairs a forward migration with its rollback file
    forward: bool
    line: int
    state: str | None  # None: a forward migration whose rollback lives in another file
    what: str  # the migration as the message names it
    rollback: str  # the rollback as the message names it
    data_only: bool = False  # changes rows only: an empty rollback is acceptable
    column: int = 1


class MigrationWithoutDown(ProjectCheck):
    code = "RL401"
    kinds = frozenset({FileKind.SQL, FileKind.PYTHON, FileKind.TEXT, *SCRIPT_KINDS})

    def __init__(self, rule, options):
        super().__init__(rule, options)
        if options.get("require-down", REQUIRE_CHOICES[0]) not in REQUIRE_CHOICES:
            raise ConfigError(
                f"[rules.RL401]: require-down must be one of {', '.join(REQUIRE_CHOICES)}, "
                f"got {options['require-down']!r}"
            )

    def applies_to(self, file: SourceFile) -> bool:
        return conv.may_belong_to_history(file.path) or is_changelog(file.path, file.text)

    def wants_context(self, path: str) -> bool:
        return conv.may_belong_to_history(path)

    # ------------------------------------------------------------ per file

    def collect(self, file: SourceFile) -> list[Step] | None:
        migration = conv.identify(file.path, file.text, file.abs_path)
        if migration is None:
            return None
        convention = conv.load_conventions().named(migration.convention)
        if matches_skip_paths(file.path, convention.settings.get("skip_paths", ())):
            return None  # never deployed: the test database is built afresh each run
        name = posixpath.basename(file.path)
        layout = migration.layout
        key = migration.version
        if layout == "sections":
            step = self._section_step(convention, migration, file)
            return [step] if step else None
        if layout == "changesets":
            return [self._changeset_step(convention, migration, change)
                    for change in conv.changesets(convention, file.text)
                    if has_effect(change.body.text)]
        if layout == "changelog":
            return self._changelog_steps(convention, migration, file)
        if layout == "alembic":
            return self._alembic_steps(convention, migration, file)
        if layout == "django":
            return self._django_steps(migration, file)
        if layout == "script":
            return self._script_steps(convention, migration, file)
        if layout == "registration":
            return self._registration_steps(convention, migration, file)
        if migration.direction == "repeatable" or migration.direction == "verify":
            return None
        if layout == "plan":
            key = migration.title
        if migration.is_forward:
            if not has_effect(file.text):
                return None  # a placeholder changes nothing: nothing to undo
            what = (f"sqitch change '{migration.title}'" if layout == "plan"
                    else f"{convention_title(migration.convention)} migration {name}")
            return [Step(migration.convention, migration.history, key, True, 1, None, what,
                         expected_rollback(migration, name), changes_only_data(file.text))]
        return [Step(migration.convention, migration.history, key, False, 1,
                     self._file_state(file.text), "", name)]

    def _file_state(self, text: str) -> str:
        if has_effect(text):
            return PRESENT
        return IRREVERSIBLE if conv.load_conventions().irreversible_comment.search(text) else EMPTY

    def _section_step(
        self, convention: conv.Convention, migration: conv.MigrationFile, file: SourceFile
    ) -> Step | None:
        up, down = conv.sections(convention, file.text)
        if not has_effect(up.text):
            return None  # a placeholder changes nothing: nothing to undo
        state = MISSING if down is None else self._file_state(down.text)
        return Step(migration.convention, migration.history, migration.version, True, up.marker_line, state,
                    f"{convention_title(migration.convention)} migration", convention.settings["rollback_name"],
                    changes_only_data(up.text))

    def _changeset_step(
        self, convention: conv.Convention, migration: conv.MigrationFile, change: conv.Changeset
    ) -> Step:
        irreversible = convention.marker("irreversible_rollback")
        if not change.rollbacks:
            state = MISSING
        elif all(irreversible.match(body) for body in change.rollbacks):
            state = IRREVERSIBLE
        else:
            state = PRESENT
        return Step(migration.convention, migration.history, change.label, True, change.line, state,
                    f"{convention_title(migration.convention)} changeset {change.label}",
                    convention.settings["rollback_name"])

    def _changelog_steps(
        self, convention: conv.Convention, migration: conv.MigrationFile, file: SourceFile
    ) -> list[Step]:
        """Liquibase XML/YAML/JSON: each changeSet whose changes Liquibase cannot undo by itself."""
        automatic = frozenset(convention.settings["auto_rollback"])
        non_production = frozenset(convention.settings["non_production_contexts"])
        test_databases = frozenset(convention.settings["test_databases"])
        rollback = "`<rollback>`" if file.path.lower().endswith(".xml") else "`rollback:`"
        states = {NO_ROLLBACK: MISSING, EMPTY_ROLLBACK: IRREVERSIBLE, PRESENT_ROLLBACK: PRESENT}
        steps = []
        for changeset in changelog_changesets(file.path, file.text):
            if only_in_contexts(changeset.context, non_production) or only_in_contexts(changeset.dbms, test_databases):
                continue
            # Changes that run only on an in-memory test database change nothing in production.
            kinds = [c.kind for c in changeset.changes if not only_in_contexts(c.dbms, test_databases)]
            manual = [kind for kind in dict.fromkeys(kinds) if kind not in automatic]
            if not kinds or (not manual and changeset.rollback == NO_ROLLBACK):
                continue  # nothing to undo, or Liquibase undoes it itself
            # Keyed by file, then changeSet: the newest file holds a forward-only history's finding.
            steps.append(Step(migration.convention, migration.history, f"{migration.version}/{changeset.label}",
                              True, changeset.line,
                              states[changeset.rollback],
                              f"Liquibase changeset {changeset.label} ({', '.join(manual or dict.fromkeys(kinds))})",
                              rollback))
        return steps

    def _alembic_steps(
        self, convention: conv.Convention, migration: conv.MigrationFile, file: SourceFile
    ) -> list[Step]:
        tree = file.python.tree
        if tree is None:
            return []
        revision = alembic_revision(tree, file.lines, conv.load_conventions().irreversible_comment)
        # A merge point or placeholder revision changes nothing: nothing to undo.
        if revision.upgrade_empty:
            return []
        label = f"{convention_title(migration.convention)} revision {revision.revision or migration.title}"
        return [Step(migration.convention, migration.history, migration.version, True,
                     revision.upgrade_line, revision.downgrade, label, convention.settings["rollback_name"],
                     revision.upgrade_changes_only_data)]

    def _script_steps(
        self, convention: conv.Convention, migration: conv.MigrationFile, file: SourceFile
    ) -> list[Step]:
        if file.script.unreadable:
            return []
        module = read_migration(file.script)
        if module.up is None or module.up.empty:
            return []  # not a migration module, or a placeholder: nothing to undo
        down = module.down
        if down is None:
            needs_down = convention.patterns.get("needs_down")
            if needs_down is not None and not needs_down.search(module.up.body):
                return []  # the tool reverses `up` by itself
            state = MISSING
        elif down.declared_irreversible or (down.empty and conv.load_conventions().irreversible_comment.search(
                down.body)):
            state = IRREVERSIBLE
        else:
            state = EMPTY if down.empty else PRESENT
        return [Step(migration.convention, migration.history, migration.version, True, module.up.line, state,
                     f"{convention_title(migration.convention)} migration {posixpath.basename(file.path)}",
                     convention.settings["rollback_name"])]

    def _registration_steps(
        self, convention: conv.Convention, migration: conv.MigrationFile, file: SourceFile
    ) -> list[Step]:
        """goose Go migrations: `goose.AddMigrationContext(up, down)` in the file."""
        steps = []
        for match in convention.marker("registration").finditer(file.text):
            down = match.group("down")
            if down == "nil":
                state = MISSING
            else:
                empty = re.search(convention.settings["empty_function"].format(name=re.escape(down)), file.text)
                irreversible = empty and conv.load_conventions().irreversible_comment.search(empty.group("comments"))
                state = IRREVERSIBLE if irreversible else EMPTY if empty else PRESENT
            line = file.text.count("\n", 0, match.start()) + 1
            steps.append(Step(migration.convention, migration.history, migration.version, True, line, state,
                              f"{convention_title(migration.convention)} migration {posixpath.basename(file.path)}",
                              convention.settings["rollback_name"]))
        return steps

    def _django_steps(self, migration: conv.MigrationFile, file: SourceFile) -> list[Step]:
        return [
            Step(migration.convention, migration.history, migration.version, True, op.line, MISSING,
                 f"Django {op.operation}", op.missing, column=file.char_column(op.line, op.column))
            for op in django_irreversible_operations(file)
        ]

    # ------------------------------------------------------------ project

    def check_project(self, facts: dict[str, list[Step]], project: ProjectContext) -> Iterable:
        require = self.options.get("require-down", "when-supported")
        if require == "never":
            return
        rollbacks: dict[tuple[str, str, str], Step] = {}
        # Histories that keep rollbacks in files of their own, with at least
        # one such file: a history with none does not use them (a runner
        # with no down migrations, or Flyway without undo), so a missing one
        # is a choice, not an oversight.
        uses_rollback_files: set[tuple[str, str]] = set()
        for steps in facts.values():
            for step in steps:
                if not step.forward:
                    rollbacks[(step.convention, step.history, step.key)] = step
                    uses_rollback_files.add((step.convention, step.history.split("#")[0]))
                elif step.state in (PRESENT, IRREVERSIBLE) and conv.load_conventions().named(
                        step.convention).layout == "changelog":
                    # A Liquibase project that writes a rollback somewhere writes them: one missing is an oversight.
                    uses_rollback_files.add((step.convention, step.history))
        forward_only: dict[tuple[str, str], list[tuple[str, Step]]] = {}
        for path, steps in facts.items():
            for step in steps:
                if not step.forward:
                    continue
                state = step.state
                if state is None:
                    # A database variant (0001_x.postgres.up.sql) may share
                    # the rollback written for every database (0001_x.down.sql).
                    paired = (rollbacks.get((step.convention, step.history, step.key))
                              or rollbacks.get((step.convention, step.history.split("#")[0], step.key)))
                    state = paired.state if paired else MISSING
                if not self._required(step, state, require, uses_rollback_files):
                    if state == MISSING and self._forward_only_by_choice(step, uses_rollback_files):
                        forward_only.setdefault((step.convention, step.history), []).append((path, step))
                    continue
                yield new_finding(self.rule, path, step.line, step.column, message(step, state),
                                  fingerprint_key=f"{step.convention}:{step.key}:{state}")

        if require == "when-supported":
            yield from (self._forward_only_history(*key, steps) for key, steps in sorted(forward_only.items()))

    def _forward_only_by_choice(self, step: Step, uses_rollback_files: set[tuple[str, str]]) -> bool:
        """A history whose tool, or whose team, keeps no way back at all."""
        convention = conv.load_conventions().named(step.convention)
        if convention.settings.get("rollback_unknown"):
            return False
        if convention.layout == "forward-only":
            return True
        return (convention.layout in OPTIONAL_ROLLBACK_LAYOUTS
                and (step.convention, step.history.split("#")[0]) not in uses_rollback_files)

    def _forward_only_history(self, convention_name: str, history: str, steps: list[tuple[str, Step]]):
        """One finding per forward-only history, at `info`: a deliberate choice
        a team should make knowingly, not a failed build. It sits on the newest
        migration, where the next change will be reviewed."""
        convention = conv.load_conventions().named(convention_name)
        title = convention_title(convention_name)
        path, newest = max(steps, key=lambda item: conv.version_key(item[1].key))
        count = len(steps)
        unit = convention.settings.get("forward_only_unit", "migration")
        remedy = convention.settings.get(
            "forward_only_remedy",
            "keep a tested rollback script beside risky migrations, or ship each change so it can roll "
            "forward (expand, migrate, then contract)")
        return new_finding(
            self.rule, path, 1, 1,
            f"{title} history {history or '.'}: {count} {unit}{'s' if count != 1 else ''} with no way back; "
            f"a deploy that goes wrong is undone by hand: {remedy} (require-down = \"always\" reports each "
            "migration, \"never\" none)",
            severity=Severity.INFO, fingerprint_key=f"{convention_name}:{history}:forward-only",
        )

    def _required(self, step: Step, state: str, require: str, uses_rollback_files: set[tuple[str, str]]) -> bool:
        if state == PRESENT or (state == EMPTY and step.data_only):
            return False
        if state == IRREVERSIBLE and self.options.get("allow-irreversible", True):
            return False
        convention = conv.load_conventions().named(step.convention)
        if convention.settings.get("rollback_unknown"):
            return False
        if require == "always":
            return True
        if convention.layout == "forward-only":
            return False
        if convention.layout in OPTIONAL_ROLLBACK_LAYOUTS and state == MISSING:
            return (step.convention, step.history.split("#")[0]) in uses_rollback_files
        return True


STEM_RE = re.compile(r"(?:\.up)?\.sql$")
# Layouts where a project may choose to keep no rollbacks at all (Flyway
# without undo files, golang-migrate without down files, Liquibase changelogs
# without a single rollback): a missing one is then that choice, reported once
# per history at `info`, not per migration.
OPTIONAL_ROLLBACK_LAYOUTS = ("paired-files", "undo-files", "changelog")
CONTEXT_WORD_RE = re.compile(r"!?[\w-]+")
CONTEXT_OPERATORS = frozenset({"and", "or"})


def only_in_contexts(expression: str, contexts: frozenset[str]) -> bool:
    """Does a Liquibase context or dbms expression (`faker`, `dev, test`,
    `h2`) name only these? A negation (`!prod`) or any other name says no."""
    words = [w for w in CONTEXT_WORD_RE.findall(expression.lower()) if w not in CONTEXT_OPERATORS]
    return bool(words) and all(word in contexts for word in words)


def convention_title(name: str) -> str:
    return conv.load_conventions().named(name).settings.get("title", name)


def expected_rollback(migration: conv.MigrationFile, name: str) -> str:
    """What this tool calls the way back of a migration (a file it would look for)."""
    template = conv.load_conventions().named(migration.convention).settings.get("rollback_name", "a down migration")
    return template.format(stem=STEM_RE.sub("", name), title=migration.title, version=migration.version)


PROBLEMS = {
    MISSING: "has no {rollback}",
    EMPTY: "has an empty {rollback}",
    IRREVERSIBLE: "has a {rollback} that declares it irreversible",
}


def message(step: Step, state: str) -> str:
    convention = conv.load_conventions().named(step.convention)
    problem = PROBLEMS[state].format(rollback=step.rollback)
    if convention.layout == "django":
        operation = step.what.split()[1]
        return (f"{step.what} without {step.rollback}: `migrate` backwards stops here with IrreversibleError; "
                f"pass {step.rollback}= (migrations.{operation}.noop if there is nothing to undo)")
    if convention.layout == "alembic":
        if state == IRREVERSIBLE:
            return f"{step.what} raises in downgrade(): it cannot be rolled back"
        if state == EMPTY:
            problem += " (only `pass`), so `alembic downgrade` silently keeps its changes"
        return (f"{step.what} {problem}: write the operations that undo upgrade(), "
                "or raise NotImplementedError to mark it irreversible on purpose")
    if convention.layout == "changesets":
        if state == IRREVERSIBLE:
            return f"{step.what} declares `--rollback empty`: it cannot be rolled back"
        return (f"{step.what} {problem}: add `--rollback <statements>` that undo it "
                "(or `--rollback empty` to mark it irreversible on purpose)")
    if convention.layout == "changelog":
        if state == IRREVERSIBLE:
            return f"{step.what} has an empty {step.rollback}: it is declared irreversible"
        return (f"{step.what} {problem}, and Liquibase cannot roll these changes back by itself: add a "
                f"{step.rollback} with the changes or SQL that undo it (an empty one marks it irreversible on purpose)")
    if convention.layout == "sections":
        return f"{step.what} {problem}: add the statements that undo the up section"
    if convention.layout == "registration":
        return (f"{step.what} {problem}: register a down function that undoes the up one "
                "(one that returns an error marks it irreversible on purpose)")
    if convention.layout == "script":
        if state == EMPTY:
            problem += ", so rolling back silently keeps what up() did"
        elif state == MISSING and "needs_down" in convention.patterns:
            problem += (f" and up() runs operations {convention_title(step.convention)} cannot reverse by "
                        "itself (raw SQL, drops, alterations)")
        return (f"{step.what} {problem}: write the operations that undo up(), "
                "or throw in down() to mark it irreversible on purpose")
    if "rollback_name" not in convention.settings:
        title = convention_title(step.convention)
        return (f"{step.what} has no down migration ({title} migrations are forward-only; "
                f"require-down = \"always\" asks for one): {convention.settings.get('remedy', 'write one')}")
    if state == EMPTY:
        problem += " (no statements beyond a transaction)"
    return f"{step.what} {problem}: {convention.settings.get('remedy', 'write')} {step.rollback}"
