"""`up` and `down` of a TS/JS migration module (knex, TypeORM, Sequelize,
node-pg-migrate, MikroORM, Kysely), whatever way the module defines them:

    export async function down(knex) {...}          exports.down = async (knex) => {...}
    module.exports = { async down(queryInterface) {...} }
    class AddUsers1700000000000 implements MigrationInterface { async down(queryRunner) {...} }
    exports.down = false                            (node-pg-migrate: irreversible on purpose)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from readylint.typescript.tree import FUNCTION_KINDS, ScriptParse, language, text, unwrapped

DEFINITION_KINDS = FUNCTION_KINDS | {"function_declaration", "method_definition"}
# What an empty `down` may still hold: nothing that changes the schema.
TRIVIAL_STATEMENTS = frozenset({"return;", "return Promise.resolve();", "return Promise.resolve()", "return"})

_QUERY = """
(function_declaration name: (identifier) @name) @definition
(method_definition name: (property_identifier) @name) @definition
(assignment_expression left: (member_expression property: (property_identifier) @name) right: (_) @value) @definition
(pair key: (property_identifier) @name value: (_) @value) @definition
"""


@cache
def _query(grammar: str) -> Any:
    import tree_sitter

    return tree_sitter.Query(language(grammar), _QUERY)


@dataclass(frozen=True)
class Direction:
    line: int
    body: str = ""  # the function body's text, comments included
    empty: bool = False  # no statement beyond a bare `return`
    declared_irreversible: bool = False  # `exports.down = false`, or a `down` that only throws
    span: tuple[int, int] = (0, 0)  # byte offsets of its definition in the file


@dataclass(frozen=True)
class ScriptMigration:
    up: Direction | None
    down: Direction | None


def read_migration(parse: ScriptParse) -> ScriptMigration:
    import tree_sitter

    found: dict[str, Direction] = {}
    for _, captures in tree_sitter.QueryCursor(_query(parse.grammar)).matches(parse.tree.root_node):
        name = text(captures["name"][0])
        if name not in ("up", "down") or name in found:
            continue
        definition = captures["definition"][0]
        value = unwrapped(captures["value"][0]) if "value" in captures else definition
        found[name] = _direction(definition, value)
    return ScriptMigration(found.get("up"), found.get("down"))


def _direction(definition: Any, value: Any) -> Direction:
    line = definition.start_point[0] + 1
    span = (definition.start_byte, definition.end_byte)
    if value.type == "false":
        return Direction(line, declared_irreversible=True, span=span)
    body = value.child_by_field_name("body") if value.type in DEFINITION_KINDS else None
    if body is None:
        return Direction(line, text(value), span=span)  # `exports.down = rollback`: defined elsewhere, taken as written
    if body.type != "statement_block" or body.has_error:
        # `async (knex) => knex.schema.dropTable('users')`; or a body cut short by a syntax
        # error, which is not known to be empty: taken as written.
        return Direction(line, text(body), span=span)
    statements = [c for c in body.named_children if c.type != "comment"]
    only_throws = bool(statements) and all(s.type == "throw_statement" for s in statements)
    return Direction(line, text(body), empty=all(text(s) in TRIVIAL_STATEMENTS for s in statements),
                     declared_irreversible=only_throws, span=span)
