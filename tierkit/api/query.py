"""Serializer fields for query parameters: each given at most once, and only in the form the schema names.

DRF's stock fields read a query string like a form: a missing boolean becomes False, an empty
`?since=` counts as absent, `?limit=1&limit=2` silently keeps the last. Here each of those is
either absent or a 400 that names the parameter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rest_framework import serializers
from rest_framework.fields import empty

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


class Repeated(list):
    """`?since=a&since=b`: kept apart from a value so validation can refuse it by name."""


class QueryParam:
    """Mixin: the parameter's one value, `empty` if absent; repeated values fail validation."""

    default_error_messages = {"repeated": "Give this parameter once."}

    def get_value(self, dictionary):
        values = dictionary.getlist(self.field_name) if hasattr(dictionary, "getlist") else None
        if values is None:
            return dictionary.get(self.field_name, empty)
        if len(values) > 1:
            return Repeated(values)
        return values[0] if values else empty

    def run_validation(self, data=empty):
        if isinstance(data, Repeated):
            self.fail("repeated")
        return super().run_validation(data)


class BooleanParam(QueryParam, serializers.BooleanField):
    """`true` or `false`, as the schema's boolean says (not 1/yes/on)."""

    default_error_messages = {"invalid": "{input!r} is not true or false."}

    def to_internal_value(self, data) -> bool:
        if isinstance(data, str) and data.lower() in ("true", "false"):
            return data.lower() == "true"
        self.fail("invalid", input=str(data)[:40])


class ChoiceParam(QueryParam, serializers.ChoiceField):
    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        self.error_messages["invalid_choice"] = (
            f"{{input!r}} is not one of {', '.join(map(str, self.choices))}."
        )

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=str(data)[:40])
        return self.choice_strings_to_values[data]


class DateTimeParam(QueryParam, serializers.DateTimeField):
    """An RFC 3339 date-time with its offset (`2026-11-22T10:00:00Z`), as the schema's format says."""

    default_error_messages = {
        "rfc3339": "{input!r} is not an RFC 3339 date-time such as 2026-11-22T10:00:00Z."
    }

    def to_internal_value(self, value) -> datetime:
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            self.fail("rfc3339", input=str(value)[:40])
        try:
            parsed = datetime.fromisoformat(value.upper())
        except ValueError:  # 2026-02-30, hour 25...
            self.fail("rfc3339", input=value[:40])
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 is before the first instant Python holds
            return (datetime.min if parsed.year == 1 else datetime.max).replace(tzinfo=UTC)
