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


def check_slots(rack_readings: list, rule: AlertRule, active: ActiveAlerts) -> None:
    """Every rack reading of the batch, oldest first (racks report every few seconds, and a
    batch may hold the reading that starts the clock as well as the one that ends it)."""
    if not rack_readings:
        return
    racks = {reading.device for _, reading in rack_readings}
    watches = {(w.rack_id, w.slot): w for w in SlotWatch.objects.filter(rack_id__in=racks)}
    docked = {s.cart for _, reading in rack_readings for s in reading.slots if s.cart}
    charge = dict(CartState.objects.filter(cart__device_id__in=docked).values_list("cart__device_id", "soc"))
    for row, reading in sorted(rack_readings, key=lambda pair: pair[1].ts):
        at = min(row.ts, row.received_at)
        for slot in reading.slots:
            where = (reading.device, slot.slot)
            failing = fails(slot, charge.get(slot.cart), rule)
            watches[where] = check_slot(reading.device, slot, failing, at, watches.get(where), rule, active)


def fails(slot, soc: float | None, rule: AlertRule) -> bool:
    # A cart that never reported its charge is given the benefit of the doubt.
    return bool(slot.cart) and soc is not None and soc < rule.slot_full_percent \
        and slot.charging_current < rule.slot_min_current


def check_slot(rack: str, slot, failing: bool, at: datetime, watch: SlotWatch | None, rule: AlertRule,
               active: ActiveAlerts) -> SlotWatch | None:
    """The slot's watch after this reading (None: not failing)."""
    key = alert_key(AlertKind.SLOT_NOT_CHARGING, rack, slot.slot)
    alert = active.get(key)
    if not failing:
        if watch is not None:
            SlotWatch.objects.filter(pk=watch.pk).delete()
        if alert is not None and clear_alert(alert, evidence_at=at, data={"current": slot.charging_current}):
            active.by_key.pop(key, None)
        return None
    if watch is None or watch.cart_id != slot.cart:
        watch = start_watch(rack, slot.slot, slot.cart, at)
    if alert is None and at - watch.since >= timedelta(minutes=rule.slot_minutes):
        alert = raise_alert(Raise(AlertKind.SLOT_NOT_CHARGING, Severity.WARNING, "rack", rack, detail=slot.slot,
                          evidence_at=at, data={"slot": slot.slot, "cart": slot.cart,
                                                "current": slot.charging_current, "since": watch.since.isoformat()}))
        if alert is not None:
            active.by_key[key] = alert
    return watch


def start_watch(rack: str, number: int, cart: str, at: datetime) -> SlotWatch:
    watch, _ = SlotWatch.objects.update_or_create(rack_id=rack, slot=number, defaults={"cart_id": cart, "since": at})
    return watch
