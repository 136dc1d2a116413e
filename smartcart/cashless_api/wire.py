"""Converting the typed objects to and from their JSON form.

Python names are snake_case; the wire uses the seed's camelCase unless a field's metadata
names it (`wire`). `aliases` are older spellings that are read too (and written too when
`emit_aliases` is set), for the places where the seed spells one property two ways;
`optional` fields are left out when None.
"""

from __future__ import annotations

import types
import typing
from dataclasses import Field, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_name(f: Field) -> str:
    return f.metadata.get("wire") or camel(f.name)


def format_amount(value: Decimal) -> str:
    """A Decimal as the seed writes amounts: a point, no exponent, no trailing zeros ("26.5", "0")."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def parse_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


def to_wire(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        custom = getattr(obj, "to_wire_custom", None)
        return custom() if custom else _dataclass_to_wire(obj)
    if isinstance(obj, list):
        return [to_wire(item) for item in obj]
    if isinstance(obj, Decimal):
        return format_amount(obj)
    return obj


def _dataclass_to_wire(obj: Any) -> dict:
    out: dict = {}
    for f in fields(obj):
        value = to_wire(getattr(obj, f.name))
        if value is None and f.metadata.get("optional"):
            continue
        names = (
            (wire_name(f), *f.metadata.get("aliases", ()))
            if f.metadata.get("emit_aliases")
            else (wire_name(f),)
        )
        for name in names:
            out[name] = value
    return out


def from_wire(cls: type, data: Any) -> Any:
    """Build `cls` from JSON leniently: unknown keys are ignored, missing ones take defaults."""
    custom = getattr(cls, "from_wire_custom", None)
    return custom(data) if custom else from_wire_fields(cls, data)


def from_wire_fields(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} must be a JSON object, not {type(data).__name__}")
    hints = _hints(cls)
    kwargs = {}
    for f in fields(cls):
        for name in (wire_name(f), *f.metadata.get("aliases", ())):
            if name in data:
                kwargs[f.name] = convert(hints[f.name], data[name])
                break
    return cls(**kwargs)


@cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def convert(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        return convert(next(a for a in args if a is not type(None)), value)
    if origin is list:
        return [convert(args[0], item) for item in value or []]
    if is_dataclass(hint):
        return from_wire(hint, value)
    if hint is Decimal:
        return parse_amount(value)
    if hint is bool:
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if hint is int:
        return int(value)
    return value
