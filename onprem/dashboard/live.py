"""The live store as the dashboard draws it: racks with their slots, every cart, and the rules
the page needs to count the store's totals. One compact shape for the first paint, the
WebSocket snapshot and (per cart / per rack) the deltas of broadcast.py."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from onprem.fleet.models import Cart, CartState, Rack, Slot


def iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z") if at else None


def cart_entry(cart: Cart, state: CartState | None, dock: tuple[str, int] | None) -> dict:
    entry = {"id": cart.device_id, "online": cart.online, "in_session": cart.in_session,
             "seen": iso(cart.last_seen), "soc": None, "charging": False, "health": "unknown",
             "faults": [], "dock": list(dock) if dock else None, "ts": None}
    if state is not None:
        entry |= {"soc": round(state.soc, 1), "charging": state.charging, "health": state.health,
                  "faults": state.fault_codes, "ts": iso(state.reading_at)}
    return entry


def slot_entry(slot: Slot, carts_by_pk: dict[int, str]) -> dict:
    return {"n": slot.number, "cart": carts_by_pk.get(slot.cart_id), "current": slot.charging_current}


def rack_entry(rack: Rack, slots: list[Slot], carts_by_pk: dict[int, str]) -> dict:
    return {"id": rack.device_id, "online": rack.online, "health": rack.health,
            "faults": rack.fault_codes, "seen": iso(rack.last_seen),
            "slots": [slot_entry(s, carts_by_pk) for s in slots]}


def store_snapshot() -> dict:
    """Everything the live page shows about the fleet, in four queries."""
    carts = list(Cart.objects.order_by("device_id"))
    states = {s.cart_id: s for s in CartState.objects.select_related("dock_slot__rack")}
    carts_by_pk = {c.pk: c.device_id for c in carts}
    slots = list(Slot.objects.order_by("rack_id", "number"))
    docked = {s.cart_id: s for s in slots if s.cart_id}
    by_rack: dict[int, list[Slot]] = {}
    for slot in slots:
        by_rack.setdefault(slot.rack_id, []).append(slot)
    racks = list(Rack.objects.order_by("device_id"))
    rack_ids = {r.pk: r.device_id for r in racks}
    return {
        "type": "snapshot",
        "racks": [rack_entry(r, by_rack.get(r.pk, []), carts_by_pk) for r in racks],
        "carts": [cart_entry(c, states.get(c.pk), dock_of(c, states.get(c.pk), docked, rack_ids))
                  for c in carts],
        "rules": {"min_soc": settings.SHOPPING_MIN_BATTERY_PERCENT, "low_soc": settings.LOW_BATTERY_PERCENT},
    }


def dock_of(cart: Cart, state: CartState | None, docked: dict[int, Slot], rack_ids: dict[int, str]):
    """(rack, slot) where the cart is: its own latest reading says, else the rack's."""
    if state is not None:
        slot = state.dock_slot
        return (slot.rack.device_id, slot.number) if slot else None
    slot = docked.get(cart.pk)
    return (rack_ids[slot.rack_id], slot.number) if slot else None
