"""Query parameters of the fleet API, validated by serializers (and so documented in the schema)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from onprem.fleet.choices import Health
from tierkit.api.query import BooleanParam, ChoiceParam, DateTimeParam


class CartFilters(serializers.Serializer):
    """`?online=`, `?docked=`, `?low_battery=` (true or false) and `?health=` of the cart list."""

    online = BooleanParam(
        required=False, help_text="true: only carts online now; false: only offline ones"
    )
    docked = BooleanParam(
        required=False, help_text="true: only carts in a rack slot; false: only undocked ones"
    )
    low_battery = BooleanParam(
        required=False, help_text="true: only carts under the low-battery threshold"
    )
    health = ChoiceParam(
        Health.choices, required=False, help_text="only carts in this health state"
    )


class TelemetryRange(serializers.Serializer):
    since = DateTimeParam(
        required=False, help_text="RFC 3339, inclusive, e.g. 2026-11-22T10:00:00Z"
    )
    until = DateTimeParam(required=False, help_text="RFC 3339, exclusive")

    def validate(self, attrs):
        if "since" in attrs and "until" in attrs and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError("since must be before until")
        return attrs


def valid_query(serializer_class, params) -> dict:
    """The query parameters `serializer_class` knows, validated; a 400 names any bad one."""
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def filter_carts(carts, params):
    wanted = valid_query(CartFilters, params)
    if "online" in wanted:
        carts = carts.filter(online=wanted["online"])
    if "docked" in wanted:
        carts = carts.filter(state__dock_slot__isnull=not wanted["docked"])
    if wanted.get("low_battery"):
        carts = carts.filter(state__soc__lt=settings.LOW_BATTERY_PERCENT)
    if "health" in wanted:
        carts = carts.filter(state__health=wanted["health"])
    return carts
