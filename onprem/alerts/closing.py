"""Carts not back in a rack at closing time.

From the store's closing time until midnight (store local time, settings.TIME_ZONE), each cart
that sits in no rack slot raises one alert, once per evening: an alert staff resolved by hand
is not raised again the same evening. It clears when the cart docks (ingest, or the next run).
Run by Celery beat (tasks.check_closing_time) and `manage.py check_closing_time`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from onprem.fleet.models import Cart, CartState, Slot

from .choices import AlertKind, Severity
from .lifecycle import ActiveAlerts, Raise, alert_key, clear_alert, raise_alert
from .models import Alert
from .thresholds import store_rule

log = logging.getLogger(__name__)


def closing_today(now: datetime, closing_time) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=closing_time.hour, minute=closing_time.minute, second=0, microsecond=0)


def docked_carts() -> set[str]:
    """Carts a rack holds, or that say they are docked (either side may report first)."""
    by_rack = Slot.objects.filter(cart__isnull=False).values_list("cart__device_id", flat=True)
    by_cart = CartState.objects.filter(dock_slot__isnull=False).values_list("cart__device_id", flat=True)
    return set(by_rack) | set(by_cart)


def check_closing_time(*, now: datetime | None = None) -> dict:
    """Raise an alert for each cart out of its rack after closing, clear those docked again.
    Returns {"raised": n, "cleared": n}."""
    now = now or timezone.now()
    rule, docked = store_rule(), docked_carts()
    cleared = clear_docked(docked)
    closing = closing_today(now, rule.closing_time)
    if not rule.closing_enabled or timezone.localtime(now) < closing:
        return {"raised": 0, "cleared": cleared}
    raised = 0
    for device in Cart.objects.exclude(device_id__in=docked).values_list("device_id", flat=True):
        if not Alert.objects.filter(key=alert_key(AlertKind.NOT_DOCKED, device), data__closing=closing.isoformat()
                                    ).exists():
            alert = raise_alert(Raise(AlertKind.NOT_DOCKED, Severity.INFO, "cart", device,
                                      data={"closing_time": rule.closing_time.strftime("%H:%M"),
                                            "closing": closing.isoformat()}))
            raised += alert is not None
    log.info("closing time check raised=%d cleared=%d", raised, cleared)
    return {"raised": raised, "cleared": cleared}


def clear_docked(docked: set[str], active: ActiveAlerts | None = None) -> int:
    active = active or ActiveAlerts(kinds=(AlertKind.NOT_DOCKED,))
    return sum(clear_alert(a) for a in active.by_key.values()
               if a.kind == AlertKind.NOT_DOCKED and a.device_id in docked)


def check_docked_in_batch(newest_carts: dict, newest_racks: dict, active: ActiveAlerts) -> None:
    """Ingest: a cart reporting a dock, or a rack reporting the cart in a slot, clears its
    closing-time alert at once."""
    docked = {d for d, item in newest_carts.items() if item.reading.dock}
    docked |= {s.cart for _, reading in newest_racks.values() for s in reading.slots if s.cart}
    if any(a.kind == AlertKind.NOT_DOCKED for a in active.by_key.values()):
        clear_docked(docked, active)
