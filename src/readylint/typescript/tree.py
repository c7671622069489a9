"""One tree-sitter tree and one node index per TS/JS file, shared by every rule.

Touching a tree-sitter node from Python costs a Python object, so nothing
here walks the tree: one query, run in C, captures every node of the kinds
the analyses read (calls, `new`, imports, declarations, assignments, class
members), and the analyses look nodes up in that index by kind.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath
from typing import Any

# Which grammar reads which file: TSX for .tsx (JSX and type syntax clash in
# plain TypeScript: `<T>x` is a cast there), JavaScript (with JSX) for the rest.
GRAMMAR_BY_SUFFIX = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
}
# Node kinds the index keeps, by capture name. A kind missing from a grammar
# (type syntax in JavaScript) is left out of that grammar's query.
INDEXED_KINDS = {
    "call": ("call_expression",),
    "new": ("new_expression",),
    "import": ("import_statement",),
    "export": ("export_statement",),
    "declarator": ("variable_declarator",),
    "assignment": ("assignment_expression",),
    "class": ("class_declaration", "abstract_class_declaration", "class"),
    "field": ("public_field_definition", "field_definition"),
    "parameter": ("required_parameter", "optional_parameter"),
    "function": ("function_declaration", "generator_function_declaration", "method_definition", "arrow_function",
                 "function_expression", "function", "generator_function"),
    "error": ("ERROR",),
}
# When syntax errors cover more than this share of a file, nothing sound is
# left to analyse: the file gets RL001 rather than a "partly analysed" note.
MAX_ERROR_SHARE = 0.5
ERROR_LINES_PER_ERROR = 4


@cache
def language(grammar: str) -> Any:
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    build = tree_sitter_typescript.language_tsx if grammar == "tsx" else tree_sitter_typescript.language_typescript
    return tree_sitter.Language(build())


@cache
def _parser(grammar: str) -> Any:
    import tree_sitter

    return tree_sitter.Parser(language(grammar))


@cache
def _index_query(grammar: str) -> Any:
    import tree_sitter

    lang = language(grammar)
    patterns = [
        f"({kind}) @{name}"
        for name, kinds in INDEXED_KINDS.items()
        for kind in kinds
        if lang.id_for_node_kind(kind, True) is not None
    ]
    return tree_sitter.Query(lang, "\n".join(patterns))


def grammar_of(path: str) -> str:
    return GRAMMAR_BY_SUFFIX.get(PurePosixPath(path).suffix.lower(), "typescript")


class ScriptParse:
    """A TS/JS file's tree and, on first use, the nodes the analyses read."""

    def __init__(self, grammar: str, tree: Any, source: bytes):
        self.grammar = grammar
        self.tree = tree
        self.source = source
        self._nodes: dict[str, list[Any]] | None = None
        # First syntax error (1-based line, 0-based byte column), when the tree has any.
        self.error: tuple[int, int] | None = None
        # The errors cover most of the file: nothing sound is left to analyse.
        self.unreadable = False
        root = tree.root_node
        if root.has_error:
            errors = self.of("error")
            first = min(errors, key=lambda n: n.start_byte) if errors else _first_missing(root)
            self.error = (first.start_point[0] + 1, first.start_point[1]) if first is not None else (1, 0)
            size = max(len(source), 1)
            sound = sum(c.end_byte - c.start_byte for c in root.children if not c.has_error)
            lines = source.count(b"\n") + 1
            self.unreadable = (
                root.type == "ERROR"
                or _covered(errors) > MAX_ERROR_SHARE * size
                # Errors everywhere (one every few lines) and little left intact: not code in this language.
                or (sound < MAX_ERROR_SHARE * size and len(errors) * ERROR_LINES_PER_ERROR > lines)
            )

    def of(self, capture: str) -> list[Any]:
        """Every node of a kind in INDEXED_KINDS (by capture name), in source order."""
        if self._nodes is None:
            import tree_sitter

            # One query run in C for every kind: files no rule reads never pay for it.
            captured = tree_sitter.QueryCursor(_index_query(self.grammar)).captures(self.tree.root_node)
            # Captures come in match order (a node after the decorators and
            # arguments inside it), not source order: sorted once here.
            self._nodes = {name: sorted(nodes, key=lambda node: node.start_byte) for name, nodes in captured.items()}
        return self._nodes.get(capture, [])


def parse_script(text: str, path: str) -> ScriptParse:
    grammar = grammar_of(path)
    # A NUL is legal inside a string literal but stops tree-sitter's lexer; a
    # space in its place keeps every offset and the same tree.
    source = (text.replace("\x00", " ") if "\x00" in text else text).encode("utf-8", "surrogatepass")
    return ScriptParse(grammar, _parser(grammar).parse(source), source)


def _covered(nodes: list[Any]) -> int:
    """Bytes covered by the union of the nodes' spans (errors nest)."""
    covered, reach = 0, 0
    for start, end in sorted((n.start_byte, n.end_byte) for n in nodes):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


def _first_missing(root: Any) -> Any | None:
    """The first node tree-sitter inserted to recover (a missing `)`), found by
    descending only into subtrees that contain an error."""
    node = root
    while True:
        child = next((c for c in node.children if c.is_missing or c.has_error), None)
        if child is None or child.is_missing:
            return child
        node = child


def text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")


def string_value(node: Any) -> str | None:
    """The value of a string literal without substitutions (`'x'`, `"x"`, `` `x` ``)."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(child.type == "template_substitution" for child in node.named_children):
        return None
    return text(node)[1:-1]


def literal_prefix(node: Any) -> str | None:
    """The text a string or template literal starts with, before any `${...}`."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    first = node.named_children[0] if node.named_child_count else None
    return text(first) if first is not None and first.type == "string_fragment" else ""


def unwrapped(node: Any) -> Any:
    """An expression without the wrappers that do not change its value:
    `(x)`, `await x`, `x!`, `x as T`, `x satisfies T`, `<T>x`."""
    while node is not None and node.type in WRAPPERS:
        node = node.named_children[-1] if node.type in TYPE_WRAPPERS_LAST else node.named_children[0]
    return node


# Function expressions (a callback, `exports.up = async () => {...}`).
FUNCTION_KINDS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})

WRAPPERS = frozenset({"parenthesized_expression", "await_expression", "non_null_expression", "as_expression",
                      "satisfies_expression", "type_assertion"})
TYPE_WRAPPERS_LAST = frozenset({"type_assertion"})  # `<T>x`: the value comes after the type


def is_endless(loop: Any) -> bool:
    """`for (;;)` / `for (x; ; y)`: a loop with no condition, a `while (true)`."""
    condition = loop.child_by_field_name("condition")
    return loop.type == "for_statement" and (condition is None or condition.type == "empty_statement")


# Statements a suppression on their first line covers in full.
STATEMENT_KINDS = ("expression_statement", "lexical_declaration", "variable_declaration", "return_statement",
                   "throw_statement", "export_statement")


@cache
def _statement_query(grammar: str) -> Any:
    import tree_sitter

    patterns = [f"({kind}) @statement" for kind in STATEMENT_KINDS] + ["(statement_block) @block", "(class_body) @block"]
    return tree_sitter.Query(language(grammar), "\n".join(patterns))


def statement_starts(parse: ScriptParse) -> dict[int, int]:
    """Line -> first line of the innermost statement covering it (1-based),
    for statements that span lines, up to the first body they hold (a
    directive above `app.post('/x', async (req) => {` covers the call's
    arguments, not the handler's body). Computed only for files with suppressions."""
    import bisect

    import tree_sitter

    captured = tree_sitter.QueryCursor(_statement_query(parse.grammar)).captures(parse.tree.root_node)
    block_starts = sorted(n.start_byte for n in captured.get("block", []))
    block_lines = {n.start_byte: n.start_point[0] + 1 for n in captured.get("block", [])}
    starts: dict[int, int] = {}
    for node in sorted(captured.get("statement", []), key=lambda n: n.start_byte):
        first, last = node.start_point[0] + 1, node.end_point[0] + 1
        inner = bisect.bisect_right(block_starts, node.start_byte)
        if inner < len(block_starts) and block_starts[inner] < node.end_byte:
            last = block_lines[block_starts[inner]]
        for number in range(first + 1, last + 1):
            starts[number] = first  # sorted by start: inner statements come later and win
    return starts
