"""What the live page hears: compact deltas of each stored batch, devices going silent, and
alert changes, sent to the store's group ("store.<STORE_ID>") once they are committed.

The fleet and alerts signals arrive after the commit (fleet.signals, alerts.signals), in the
process that stored the change: usually ingest. The consumers (consumers.py) forward them to
the browsers; an alert change carries only its id, and each consumer renders the alert in its
own connection's language.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from onprem.fleet.ingest import Batch, Latest
from onprem.fleet.models import Cart

from .live import iso
from .relay import RELAY, in_memory_layer

log = logging.getLogger(__name__)
CARTS_PER_MESSAGE = 250  # keeps one message (and one relay datagram) well under 100 kB


def store_group() -> str:
    return f"store.{settings.STORE_ID}"


def send_to_store(message: dict) -> None:
    """group_send to the store's consumers, wherever they are (see relay.py)."""
    if in_memory_layer():
        RELAY.forward(message)
    else:
        async_to_sync(get_channel_layer().group_send)(store_group(), message)


def cart_delta(latest: Latest, in_session: bool | None) -> dict:
    t = latest.reading
    return {"id": t.device, "soc": round(t.battery.soc, 1), "charging": t.battery.charging,
            "health": t.health.state, "faults": t.health.faults,
            "dock": [t.dock.rack, t.dock.slot] if t.dock else None, "online": True,
            "ts": iso(t.ts), "in_session": in_session}


def rack_delta(reading) -> dict:
    return {"id": reading.device, "online": True, "health": reading.health.state,
            "faults": reading.health.faults,
            "slots": [{"n": s.slot, "cart": s.cart, "current": s.charging_current} for s in reading.slots]}


def batch_deltas(batch: Batch) -> list[dict]:
    """The batch as the page needs it: each cart's newest reading, each rack's newest slots,
    online/offline statuses. Split into messages of CARTS_PER_MESSAGE carts."""
    newest = batch.newest_per_cart
    sessions = dict(Cart.objects.filter(device_id__in=list(newest)).values_list("device_id", "in_session"))
    carts = [cart_delta(item, sessions.get(device)) for device, item in newest.items()]
    racks = {reading.device: rack_delta(reading)
             for _, reading in sorted(batch.rack_readings, key=lambda pair: pair[1].ts)}
    statuses = [{"kind": where.kind, "id": where.device, "online": status.state == "online",
                 "seen": iso(received_at)} for where, status, received_at in batch.statuses]
    chunks = [carts[i:i + CARTS_PER_MESSAGE] for i in range(0, len(carts), CARTS_PER_MESSAGE)] or [[]]
    deltas = [{"type": "delta", "carts": chunk, "racks": [], "statuses": []} for chunk in chunks]
    deltas[0]["racks"], deltas[0]["statuses"] = list(racks.values()), statuses
    return [d for d in deltas if d["carts"] or d["racks"] or d["statuses"]]


def on_batch_stored(sender, batch: Batch, **kwargs) -> None:
    for delta in batch_deltas(batch):
        send_to_store({"type": "store.delta", "delta": delta})


def on_devices_went_silent(sender, racks=(), carts=(), **kwargs) -> None:
    statuses = [{"kind": "rack", "id": d, "online": False} for d in racks]
    statuses += [{"kind": "cart", "id": d, "online": False} for d in carts]
    if statuses:
        send_to_store({"type": "store.delta",
                       "delta": {"type": "delta", "carts": [], "racks": [], "statuses": statuses}})


def on_alert_changed(sender, alert_id: int, **kwargs) -> None:
    send_to_store({"type": "store.alert", "id": alert_id})

