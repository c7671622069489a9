"""A data-only encoding of readylint's own values, for the results cache.

The cache used to be a pickle, and reading a pickle runs whatever code it
names: a crafted cache file committed to a scanned repository ran on the CI
runner. This encoding can only ever build plain values (str, int, float,
bool, None, lists, tuples, sets, dicts) and instances of readylint's own
dataclasses, enums and named tuples, field by field, with no constructor,
`__post_init__` or `__setstate__` run. Anything else is a `PlainDataError`.

It is JSON in which lists and scalars are themselves, and every other value
is an object with a single key that says what it is:

    {"t": [item, ...]}  tuple      {"s": [...]} / {"f": [...]}  set / frozenset
    {"d": [[key, value], ...]}  dict (keys of any type)
    {"module:Class": [field, ...]}  a dataclass or named tuple, fields in
                                    order, trailing fields at their default left out
    {"module:Class": value}         an enum member

so that the C parser builds lists and scalars, and Python runs only for the
tagged objects (`object_pairs_hook`): three times faster than decoding a
tagged-list form in Python, and as fast as the pickle it replaces.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from typing import Any, Callable

OWN_MODULE_PREFIX = "readylint."

_SCALARS = frozenset({str, int, float, bool, type(None)})


class PlainDataError(ValueError):
    """A value that this encoding cannot (or must not) represent."""


def dumps(value: Any) -> str:
    return json.dumps(_encode(value), separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    try:
        return _DECODER.decode(text if isinstance(text, str) else text.decode("utf-8"))
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        if isinstance(exc, PlainDataError):
            raise
        raise PlainDataError(f"not encoded data: {exc}") from None


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:  # exactly: a str-valued enum member is an enum, not a str
        return value
    if kind is list:
        return [_encode(item) for item in value]
    if kind is tuple:
        return {"t": [_encode(item) for item in value]}
    if kind is dict:
        return {"d": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if kind is set:
        return {"s": [_encode(item) for item in value]}
    if kind is frozenset:
        return {"f": [_encode(item) for item in value]}
    name = _class_name(kind)
    if isinstance(value, enum.Enum):
        return {name: value.value}
    if dataclasses.is_dataclass(value):
        values = [getattr(value, field) for field in _field_names(kind)]
        defaults = _defaults(kind)
        first_default = len(values) - len(defaults)
        while len(values) > first_default and _is_default(values[-1], defaults[len(values) - 1 - first_default]):
            values.pop()  # trailing fields at their defaults are left out (most results are empty)
        return {name: [_encode(item) for item in values]}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return {name: [_encode(item) for item in value]}
    raise PlainDataError(f"cannot encode a {name}")


def _tagged(pairs: list[tuple[str, Any]]) -> Any:
    if len(pairs) != 1:
        raise PlainDataError("an object with more than one key")
    ((tag, content),) = pairs
    build = _BUILDERS.get(tag) or _builder(tag)
    return build(content)


def _dict(pairs: Any) -> dict:
    return {key: value for key, value in pairs}


# A builder gets the tag's content as parsed (lists, scalars and values already
# built); whatever it is given, it can only build data or raise.
_BUILDERS: dict[str, Callable[[Any], Any]] = {"t": tuple, "s": set, "f": frozenset, "d": _dict}


def _builder(name: str) -> Callable[[Any], Any]:
    """How to build an instance of the named class from its encoded content."""
    kind = _own_class(name)
    if issubclass(kind, enum.Enum):
        build = kind  # Color("red"): the member, or ValueError
    elif dataclasses.is_dataclass(kind):
        names = _field_names(kind)
        defaults = _defaults(kind)
        fewest = len(names) - len(defaults)

        def build(values: list[Any]) -> Any:
            if len(values) != len(names):
                if not fewest <= len(values) < len(names):
                    raise PlainDataError(f"{kind.__name__} takes {len(names)} fields, got {len(values)}")
                for default in defaults[len(values) - len(names):]:
                    values.append(default.factory() if isinstance(default, _Factory) else default)
            instance = object.__new__(kind)
            # Straight into the instance's dict: no __init__ or __post_init__ runs,
            # and frozen dataclasses are filled like the others.
            instance.__dict__.update(zip(names, values))
            return instance

    elif issubclass(kind, tuple) and hasattr(kind, "_fields"):
        width = len(kind._fields)

        def build(values: list[Any]) -> Any:
            if len(values) != width:
                raise PlainDataError(f"{kind.__name__} takes {width} fields, got {len(values)}")
            return tuple.__new__(kind, values)

    else:
        raise PlainDataError(f"{kind.__name__} is neither a dataclass nor a named tuple")
    _BUILDERS[name] = build
    return build


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_DEFAULTS: dict[type, tuple[Any, ...]] = {}


@dataclasses.dataclass(frozen=True)
class _Factory:
    factory: Any


def _defaults(kind: type) -> tuple[Any, ...]:
    """The defaults of the dataclass's trailing fields that have one, in order."""
    defaults = _DEFAULTS.get(kind)
    if defaults is None:
        found: list[Any] = []
        for field in dataclasses.fields(kind):
            if field.default is not dataclasses.MISSING:
                found.append(field.default)
            elif field.default_factory is not dataclasses.MISSING:
                found.append(_Factory(field.default_factory))
            else:
                found = []
        defaults = _DEFAULTS[kind] = tuple(found)
    return defaults


def _is_default(value: Any, default: Any) -> bool:
    if isinstance(default, _Factory):
        default = default.factory()
    return type(value) is type(default) and value == default


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if "__slots__" in vars(kind):
            raise PlainDataError(f"{kind.__name__} has slots")  # none of ours does; no __dict__ to fill
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _class_name(kind: type) -> str:
    if not kind.__module__.startswith(OWN_MODULE_PREFIX):
        raise PlainDataError(f"cannot encode a {kind.__module__}.{kind.__qualname__}")
    return f"{kind.__module__}:{kind.__qualname__}"


_CLASSES: dict[str, type] = {}


def _own_class(name: str) -> type:
    """A class of readylint's, by name, from a module already imported: decoding
    never imports anything, so it can never run a module's code."""
    kind = _CLASSES.get(name)
    if kind is not None:
        return kind
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith(OWN_MODULE_PREFIX) else None
    found: Any = module
    for part in qualname.split(".") if module is not None and qualname else ():
        found = getattr(found, part, None)
    if module is None or not isinstance(found, type) or found.__module__ != module_name:
        raise PlainDataError(f"not a readylint class: {name!r}")
    _CLASSES[name] = found
    return found


_DECODER = json.JSONDecoder(object_pairs_hook=_tagged)
