"""A rack slot that does not charge the cart docked in it.

A slot fails when a cart sits in it, draws less than the store's minimum current, and is not
full. One reading like that is not an alert (a cart just docked draws nothing for a moment):
the slot must fail for `slot_minutes` of rack readings in a row. When it started failing is a
row (SlotWatch), not memory, so an ingest restart does not restart the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from onprem.fleet.models import CartState

from .choices import AlertKind, Severity
from .lifecycle import ActiveAlerts, Raise, alert_key, clear_alert, raise_alert
from .models import AlertRule, SlotWatch


def newest_rack_readings(rack_readings: list) -> dict[str, tuple]:
    newest: dict[str, tuple] = {}
    for row, reading in rack_readings:
        known = newest.get(reading.device)
        if known is None or reading.ts >= known[1].ts:
            newest[reading.device] = (row, reading)
    return newest


def check_slots(newest_racks: dict, rule: AlertRule, active: ActiveAlerts) -> None:
    if not newest_racks:
        return
    watches = {(w.rack_id, w.slot): w for w in SlotWatch.objects.filter(rack_id__in=list(newest_racks))}
    docked = [s.cart for _, reading in newest_racks.values() for s in reading.slots if s.cart]
    charge = dict(CartState.objects.filter(cart__device_id__in=docked).values_list("cart__device_id", "soc"))
    for rack, (row, reading) in newest_racks.items():
        at = min(row.ts, row.received_at)
        for slot in reading.slots:
            failing = fails(slot, charge.get(slot.cart), rule)
            check_slot(rack, slot, failing, at, watches.get((rack, slot.slot)), rule, active)


def fails(slot, soc: float | None, rule: AlertRule) -> bool:
    # A cart that never reported its charge is given the benefit of the doubt.
    return bool(slot.cart) and soc is not None and soc < rule.slot_full_percent \
        and slot.charging_current < rule.slot_min_current


def check_slot(rack: str, slot, failing: bool, at: datetime, watch: SlotWatch | None, rule: AlertRule,
               active: ActiveAlerts) -> None:
    alert = active.get(alert_key(AlertKind.SLOT_NOT_CHARGING, rack, slot.slot))
    if not failing:
        if watch is not None:
            SlotWatch.objects.filter(pk=watch.pk).delete()
        if alert is not None:
            clear_alert(alert, evidence_at=at, data={"current": slot.charging_current})
        return
    if watch is None or watch.cart_id != slot.cart:
        watch = start_watch(rack, slot.slot, slot.cart, at)
    if alert is None and at - watch.since >= timedelta(minutes=rule.slot_minutes):
        raise_alert(Raise(AlertKind.SLOT_NOT_CHARGING, Severity.WARNING, "rack", rack, detail=slot.slot,
                          evidence_at=at, data={"slot": slot.slot, "cart": slot.cart,
                                                "current": slot.charging_current, "since": watch.since.isoformat()}))


def start_watch(rack: str, number: int, cart: str, at: datetime) -> SlotWatch:
    watch, _ = SlotWatch.objects.update_or_create(rack_id=rack, slot=number, defaults={"cart_id": cart, "since": at})
    return watch
