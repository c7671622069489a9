"""What the names of a TS/JS module refer to: imports, `require`, globals.

    import axios from 'axios'               axios            -> axios
    import * as http from 'node:http'       http.request     -> http.request
    import { get as fetchIt } from 'https'  fetchIt          -> https.get
    import fetch from 'node-fetch'          fetch            -> node-fetch
    const { Pool } = require('pg')          new Pool()       -> pg.Pool
    const got = require('got').default      got.post         -> got.post
    import pg = require('pg')               new pg.Client()  -> pg.Client
    fetch(url)  (no binding in the file)    fetch            -> fetch (the global)

A default import is named after its module, whatever its local name: for
CommonJS packages (axios, got, pg) it is the module object. Type-only
imports bind nothing at run time and are left out. `node:` prefixes are
dropped, so `node:https` and `https` are one module.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from readylint.typescript.tree import ScriptParse, string_value, text, unwrapped

# Globals a rule may name: resolved only where the module declares no binding
# of its own with that name.
GLOBALS = frozenset({"fetch"})
# A declaration, or the name as a parameter or destructured binding (which
# also matches it passed as an argument: silence is the safe side).
_DECLARATION_RE = r"\b(?:function\*?|const|let|var|class)\s+{name}\b|[(,{{]\s*{name}\s*[,)}}:=?]"


def module_name(specifier: str) -> str:
    return specifier[5:] if specifier.startswith("node:") else specifier


class ModuleNames:
    """Local name -> qualified name for one module's imports and requires."""

    def __init__(self, parse: ScriptParse, source_text: str):
        self.parse = parse
        self.source_text = source_text
        self.imported: dict[str, str] = {}
        # Local name -> (module specifier, exported name): "default", a name, or "*".
        self.bindings: dict[str, tuple[str, str]] = {}
        for node in parse.of("import"):
            self._import(node)
        for node in parse.of("declarator"):
            self._require(node)

    @classmethod
    def for_file(cls, file: Any) -> "ModuleNames":
        return file.shared(ModuleNames, lambda: cls(file.script, file.text))

    def _import(self, node: Any) -> None:
        source = string_value(node.child_by_field_name("source"))
        if source is None:
            # `import x = require('m')`
            clause = next((c for c in node.named_children if c.type == "import_require_clause"), None)
            source = string_value(clause.child_by_field_name("source")) if clause is not None else None
            if source is not None and clause.named_child_count:
                self._bind(text(clause.named_children[0]), module_name(source), "default")
            return
        if _is_type_only(node):
            return
        module = module_name(source)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        for part in clause.named_children if clause is not None else ():
            if part.type == "identifier":  # default import
                self._bind(text(part), module, "default")
            elif part.type == "namespace_import":
                self._bind(text(part.named_children[-1]), module, "*")
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type != "import_specifier" or _is_type_only(specifier):
                        continue
                    name = text(specifier.child_by_field_name("name"))
                    alias = specifier.child_by_field_name("alias")
                    self._bind(text(alias) if alias is not None else name, module, name)

    def _require(self, declarator: Any) -> None:
        """`const x = require('m')`, `const { a, b: c } = require('m')`, `require('m').default`."""
        value = unwrapped(declarator.child_by_field_name("value"))
        module = _required_module(value)
        if module is None:
            return
        pattern = declarator.child_by_field_name("name")
        if pattern.type == "identifier":
            self._bind(text(pattern), module, "default")
        elif pattern.type == "object_pattern":
            for part in pattern.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    self._bind(text(part), module, text(part))
                elif part.type == "pair_pattern":
                    key, bound = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if bound is not None and bound.type == "identifier":
                        self._bind(text(bound), module, text(key))

    def _bind(self, local: str, module: str, name: str) -> None:
        self.imported[local] = module if name in ("default", "*") else f"{module}.{name}"
        self.bindings[local] = (module, name)

    @cached_property
    def _declared_globals(self) -> frozenset[str]:
        """Globals the module shadows with a binding of its own (a parameter, a
        local function or variable): their uses may not be the global."""
        return frozenset(
            name for name in GLOBALS
            if name not in self.imported and re.search(_DECLARATION_RE.format(name=name), self.source_text)
        )

    def of(self, node: Any) -> str | None:
        """The qualified name an identifier or property chain refers to, or None."""
        node = unwrapped(node)
        if node is None:
            return None
        if node.type in ("identifier", "type_identifier"):
            name = text(node)
            if name in self.imported:
                return self.imported[name]
            if name in GLOBALS and name not in self._declared_globals:
                return name
            return None
        if node.type == "member_expression":
            base = self.of(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            if base is None or prop is None or prop.type != "property_identifier":
                return None
            name = text(prop)
            return base if name == "default" else f"{base}.{name}"
        if node.type == "call_expression":
            # `require('got').post(...)` read straight off the require
            return _required_module(node)
        return None


def _required_module(node: Any) -> str | None:
    """'m' for `require('m')` and `require('m').default`."""
    if node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or text(prop) != "default":
            return None
        node = unwrapped(node.child_by_field_name("object"))
    if node is None or node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    if function is None or function.type != "identifier" or text(function) != "require":
        return None
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
    source = string_value(first)
    return module_name(source) if source is not None else None


def _is_type_only(node: Any) -> bool:
    """`import type {...}` or `import { type X }`: erased at compile time."""
    return any(child.type == "type" for child in node.children[:2])
