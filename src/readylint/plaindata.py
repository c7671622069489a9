"""A data-only encoding of readylint's own values, for the results cache.

The cache used to be a pickle, and reading a pickle runs whatever code it
names: a crafted cache file committed to a scanned repository ran on the CI
runner. This encoding can only ever build plain values (str, int, float,
bool, None, lists, tuples, sets, dicts) and instances of readylint's own
dataclasses, enums and named tuples, field by field, with no constructor,
`__post_init__` or `__setstate__` run. Anything else is a `PlainDataError`.

Encoded form (JSON-ready): scalars stay as they are; every container is a
list whose first item is its tag, so a list is never mistaken for a value:

    ["l", item, ...]   list          ["d", key, value, key, value, ...]   dict
    ["t", item, ...]   tuple         ["s", item, ...] / ["f", item, ...]  set / frozenset
    ["E", "module:Class", value]     an enum member
    ["D", "module:Class", field, ...]  a dataclass or named tuple, fields in order
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from typing import Any

OWN_MODULE_PREFIX = "readylint."

_SCALARS = (str, int, float, bool, type(None))


class PlainDataError(ValueError):
    """A value that this encoding cannot (or must not) represent."""


def encode(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:  # exactly: a str-valued enum member is an enum, not a str
        return value
    if kind is list:
        return ["l", *map(encode, value)]
    if kind is dict:
        items: list[Any] = ["d"]
        for key, item in value.items():
            items.append(encode(key))
            items.append(encode(item))
        return items
    if kind is tuple:
        return ["t", *map(encode, value)]
    if kind is set:
        return ["s", *map(encode, value)]
    if kind is frozenset:
        return ["f", *map(encode, value)]
    name = _class_name(kind)
    if isinstance(value, enum.Enum):
        return ["E", name, value.value]
    if dataclasses.is_dataclass(value):
        return ["D", name, *(encode(getattr(value, f.name)) for f in _fields(kind))]
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return ["D", name, *map(encode, value)]
    raise PlainDataError(f"cannot encode a {name}")


def decode(data: Any) -> Any:
    if type(data) in _SCALARS:
        return data
    if type(data) is not list or not data or not isinstance(data[0], str):
        raise PlainDataError(f"not an encoded value: {type(data).__name__}")
    tag = data[0]
    if tag == "l":
        return [decode(item) for item in data[1:]]
    if tag == "d":
        if len(data) % 2 != 1:
            raise PlainDataError("dict with a key and no value")
        return {decode(data[i]): decode(data[i + 1]) for i in range(1, len(data), 2)}
    if tag == "t":
        return tuple(decode(item) for item in data[1:])
    if tag == "s":
        return {decode(item) for item in data[1:]}
    if tag == "f":
        return frozenset(decode(item) for item in data[1:])
    if tag in ("E", "D") and len(data) >= 2 and isinstance(data[1], str):
        kind = _own_class(data[1])
        if tag == "E":
            if not issubclass(kind, enum.Enum) or len(data) != 3:
                raise PlainDataError(f"{data[1]} is not an enum")
            return kind(data[2])
        return _build(kind, [decode(item) for item in data[2:]])
    raise PlainDataError(f"unknown tag {tag!r}")


def _build(kind: type, values: list[Any]) -> Any:
    if dataclasses.is_dataclass(kind):
        fields = _fields(kind)
        if len(values) != len(fields):
            raise PlainDataError(f"{kind.__name__} takes {len(fields)} fields, got {len(values)}")
        instance = object.__new__(kind)
        for field, value in zip(fields, values):
            object.__setattr__(instance, field.name, value)  # frozen ones too; no __init__ runs
        return instance
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        if len(values) != len(kind._fields):
            raise PlainDataError(f"{kind.__name__} takes {len(kind._fields)} fields, got {len(values)}")
        return tuple.__new__(kind, values)
    raise PlainDataError(f"{kind.__name__} is neither a dataclass nor a named tuple")


_FIELDS: dict[type, tuple[dataclasses.Field, ...]] = {}


def _fields(kind: type) -> tuple[dataclasses.Field, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = dataclasses.fields(kind)
    return fields


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
