"""Body fields that take exactly the JSON type the schema documents.

DRF's CharField turns the number 0 into "0" and IntegerField takes "2", 2.0 or true; the
OpenAPI says string or integer, and schemathesis holds the API to it: the wrong type is a 400.
"""

from __future__ import annotations

from rest_framework import serializers


class StrictText:
    """A JSON string only (`"display_name": 0` is a 400)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(StrictText, serializers.CharField):
    pass


class EmailAddressField(StrictText, serializers.EmailField):
    pass


class PatternField(StrictText, serializers.RegexField):
    pass


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: not "2", not 2.0, not true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)
