"""Which expressions hold an object made by which call, within a TS/JS module.

    const api = axios.create({...})        api.get(...)        -> (the create call,)
    private http = got.extend({...})       this.http.post(...) in any method
    this.pool = new Pool({...})            this.pool.query(...)
    axios.create().get(...)                                    (the receiver is the call)

As for Python (`readylint.python.objects`), the answer is all or nothing: a
name bound anywhere in the module to something else (another call, a
parameter property injected by a framework, a destructured value) has no
origins, because which binding a use sees is beyond this analysis.
"""

from __future__ import annotations

from typing import Any, Callable

from readylint.typescript.tree import ScriptParse, text, unwrapped

Creates = Callable[[Any], bool]
# A binding whose value is not a call we can follow.
UNKNOWN = None


class ObjectFlow:
    def __init__(self, parse: ScriptParse, creates: Creates):
        self.creates = creates
        self._names: dict[str, list[Any]] = {}
        self._fields: dict[str, list[Any]] = {}
        for declarator in parse.of("declarator"):
            pattern, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if value is None:
                continue  # `let client;`, assigned later
            if pattern.type == "identifier":
                self._names.setdefault(text(pattern), []).append(unwrapped(value))
        for assignment in parse.of("assignment"):
            left, right = assignment.child_by_field_name("left"), unwrapped(assignment.child_by_field_name("right"))
            if left.type == "identifier":
                self._names.setdefault(text(left), []).append(right)
            elif left.type == "member_expression" and _on_this(left):
                self._fields.setdefault(text(left.child_by_field_name("property")), []).append(right)
        for field in parse.of("field"):
            name, value = field.child_by_field_name("name"), field.child_by_field_name("value")
            if name is not None and value is not None:
                self._fields.setdefault(text(name), []).append(unwrapped(value))
        # Parameters by declared type: `constructor(private readonly http: HttpService)`
        # (a field injected from outside) and `function send(http: HttpService)`.
        self._field_types: dict[str, Any] = {}
        self._parameter_types: dict[str, Any] = {}
        for parameter in parse.of("parameter"):
            pattern = parameter.child_by_field_name("pattern")
            if pattern is None or pattern.type != "identifier":
                continue
            annotation = parameter.child_by_field_name("type")
            declared = annotation.named_children[0] if annotation is not None and annotation.named_child_count else None
            if any(child.type == "accessibility_modifier" for child in parameter.children):
                self._fields.setdefault(text(pattern), []).append(UNKNOWN)
                if declared is not None:
                    self._field_types[text(pattern)] = declared
            elif declared is not None:
                self._parameter_types[text(pattern)] = declared

    def origins(self, node: Any) -> list[Any] | None:
        """The creating calls `node`'s value comes from, or None if it may come from elsewhere."""
        node = unwrapped(node)
        if node is None:
            return None
        if node.type in ("call_expression", "new_expression"):
            return [node] if self.creates(node) else None
        if node.type == "identifier":
            return self._all_creating(self._names.get(text(node)))
        if node.type == "member_expression" and _on_this(node):
            return self._all_creating(self._fields.get(text(node.child_by_field_name("property"))))
        return None

    def values_of(self, name: str) -> list[Any]:
        """Every value a name is bound to in the module (`None` for one that is not known)."""
        return list(self._names.get(name, ()))

    def declared_type(self, node: Any) -> Any | None:
        """The type a parameter (`http: HttpService`) or parameter property (`this.http`) is declared with."""
        if node is None:
            return None
        if node.type == "identifier":
            return self._parameter_types.get(text(node))
        if node.type == "member_expression" and _on_this(node):
            return self._field_types.get(text(node.child_by_field_name("property")))
        return None

    def origins_of_name(self, name: str) -> list[Any] | None:
        """The creating calls a module-level name is bound to (`export { api }`)."""
        return self._all_creating(self._names.get(name))

    def _all_creating(self, values: list[Any] | None) -> list[Any] | None:
        if not values or any(v is UNKNOWN or v.type not in ("call_expression", "new_expression") or not self.creates(v)
                             for v in values):
            return None
        return values


def _on_this(member: Any) -> bool:
    receiver = member.child_by_field_name("object")
    return receiver is not None and receiver.type == "this"
