"""Query-string filters of the cart list: ?online=, ?health=, ?low_battery=, ?docked=."""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ValidationError

from onprem.fleet.choices import Health

TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def flag(params, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw.lower() in TRUE | FALSE:
        return raw.lower() in TRUE
    raise ValidationError({name: f"{raw!r} is not true or false"})


def filter_carts(carts, params):
    if (online := flag(params, "online")) is not None:
        carts = carts.filter(online=online)
    if (docked := flag(params, "docked")) is not None:
        carts = carts.filter(state__dock_slot__isnull=not docked)
    if flag(params, "low_battery"):
        carts = carts.filter(state__soc__lt=settings.LOW_BATTERY_PERCENT)
    if (health := params.get("health")) is not None:
        if health not in Health.values:
            raise ValidationError({"health": f"{health!r} is not one of {', '.join(Health.values)}"})
        carts = carts.filter(state__health=health)
    return carts
