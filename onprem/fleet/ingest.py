"""Turning MQTT messages into rows: validate, batch-insert once per (device, boot_id, seq),
advance latest state, dead-letter what breaks the contract. No MQTT here: `manage.py ingest`
feeds batches in, tests feed them directly.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from smartcart.protocol import (
    CartTelemetry,
    Event,
    ProtocolError,
    RackTelemetry,
    Status,
    Topic,
    parse_topic,
)

from .bulk import insert_readings, reading_values, state_values, upsert_states
from .models import (
    Cart,
    DeadLetter,
    DeviceEvent,
    IngestState,
    Rack,
    RackReading,
    Slot,
)

log = logging.getLogger(__name__)
UNKNOWN_RECHECK_SECONDS = 10.0


@dataclass(slots=True)
class Message:
    topic: str
    payload: bytes
    received_at: datetime
    mid: int = 0  # broker message id, acked only after the batch commits


@dataclass
class Batch:
    cart_readings: list[str] = field(default_factory=list)  # SQL rows, see bulk.py
    rack_readings: list[tuple[RackReading, RackTelemetry]] = field(default_factory=list)
    events: list[DeviceEvent] = field(default_factory=list)
    statuses: list[tuple[Topic, Status, datetime]] = field(default_factory=list)
    cart_telemetry: list[CartTelemetry] = field(default_factory=list)  # parsed, for latest state
    dead: list[DeadLetter] = field(default_factory=list)


class DeviceDirectory:
    """What ingest must know of the fleet on every message, kept in memory: which device ids
    exist, each cart's row id and newest reading time, each slot's row id.

    Re-read on a miss, but at most every few seconds per unknown id, so a flood from an
    unprovisioned device cannot hammer the database. One ingest process owns latest state.
    """

    def __init__(self) -> None:
        self.carts: dict[str, list] = {
            device: [pk, last] for device, pk, last in Cart.objects.values_list("device_id", "id", "state__reading_at")
        }
        self.racks = set(Rack.objects.values_list("device_id", flat=True))
        self.slots = {(rack, number): pk for pk, rack, number in
                      Slot.objects.values_list("id", "rack__device_id", "number")}
        self.unknown_until: dict[str, float] = {}
        # Newest reading per cart not yet written to CartState (see store_batch).
        self.pending_states: dict[str, CartTelemetry] = {}
        self.states_written_at = 0.0

    def states_due(self, every: float) -> bool:
        return time.monotonic() - self.states_written_at >= every

    def has(self, kind: str, device: str) -> bool:
        if device in (self.carts if kind == "cart" else self.racks):
            return True
        if self.unknown_until.get(device, 0) > time.monotonic():
            return False
        if kind == "cart" and (row := Cart.objects.filter(device_id=device).values_list("id", "state__reading_at").first()):
            self.carts[device] = list(row)
            return True
        if kind == "rack" and Rack.objects.filter(device_id=device).exists():
            self.racks.add(device)
            self.slots.update({(device, n): pk for pk, n in Slot.objects.filter(rack__device_id=device).values_list("id", "number")})
            return True
        self.unknown_until[device] = time.monotonic() + UNKNOWN_RECHECK_SECONDS
        return False


def classify(message: Message, directory: DeviceDirectory, batch: Batch) -> None:
    """Put one message into the batch, or into its dead letters with the reason."""
    try:
        where = parse_topic(message.topic)
        if not directory.has(where.kind, where.device):
            raise ProtocolError(f"unknown device {where.kind} {where.device!r}: provision it first")
        accept(where, message, batch)
    except ProtocolError as exc:
        batch.dead.append(DeadLetter(topic=message.topic[:255], payload=message.payload, reason=str(exc),
                                     received_at=message.received_at))


def accept(where: Topic, message: Message, batch: Batch) -> None:
    if where.channel == "telemetry" and where.kind == "cart":
        reading = CartTelemetry.parse(message.payload)
        same_device(where, reading.device)
        batch.cart_readings.append(reading_values(reading, message.received_at))
        batch.cart_telemetry.append(reading)
    elif where.channel == "telemetry":
        reading = RackTelemetry.parse(message.payload)
        same_device(where, reading.device)
        batch.rack_readings.append((rack_row(reading, message.received_at), reading))
    elif where.channel == "status":
        status = Status.parse(message.payload)
        same_device(where, status.device)
        batch.statuses.append((where, status, message.received_at))
    elif where.channel == "event":
        event = Event.parse(message.payload)
        same_device(where, event.device)
        batch.events.append(DeviceEvent(device_id=event.device, kind=where.kind, boot_id=event.boot_id,
                                        seq=event.seq, ts=event.ts, event=event.event, data=event.data))
    else:
        raise ProtocolError(f"ingest does not take {where.channel!r} messages from devices")


def same_device(where: Topic, device: str) -> None:
    if device != where.device:
        raise ProtocolError(f"payload device {device!r} does not match topic device {where.device!r}")


def rack_row(t: RackTelemetry, received_at: datetime) -> RackReading:
    return RackReading(
        device_id=t.device, boot_id=t.boot_id, seq=t.seq, ts=t.ts, received_at=received_at,
        slots=[{"slot": s.slot, "cart": s.cart, "charging_current": s.charging_current} for s in t.slots],
        health=t.health.state, fault_codes=t.health.faults, firmware=t.firmware,
    )


def store_batch(messages: list[Message], directory: DeviceDirectory, *, ingest_name: str = "ingest",
                state_every: float = 0.0) -> Batch:
    """Validate and store a batch in one transaction; duplicates are skipped by the database.

    Readings are stored with every batch. Carts' latest state is written at most every
    `state_every` seconds (ingest uses 1 s): under load a batch holds a reading from nearly
    every cart, and rewriting every cart's state per batch cost as much as the readings.
    """
    batch = Batch()
    for message in messages:
        classify(message, directory, batch)
    with transaction.atomic():
        insert_readings(batch.cart_readings)
        RackReading.objects.bulk_create([row for row, _ in batch.rack_readings], ignore_conflicts=True)
        DeviceEvent.objects.bulk_create(batch.events, ignore_conflicts=True)
        DeadLetter.objects.bulk_create(batch.dead)
        for reading in batch.cart_telemetry:
            pending = directory.pending_states.get(reading.device)
            if pending is None or reading.ts >= pending.ts:
                directory.pending_states[reading.device] = reading
        if directory.pending_states and directory.states_due(state_every):
            update_cart_states(directory.pending_states.values(), directory)
            directory.pending_states, directory.states_written_at = {}, time.monotonic()
        for _, reading in sorted(batch.rack_readings, key=lambda pair: pair[1].ts):
            update_rack_state(reading)
        for where, status, received_at in batch.statuses:
            update_online(where, status, received_at)
        record_flush(ingest_name, messages, batch)
    return batch


def store_one_by_one(messages: list[Message], directory: DeviceDirectory, *, ingest_name: str) -> None:
    """The slow path after a batch failed: each message alone, a failing one dead-lettered."""
    for message in messages:
        try:
            store_batch([message], directory, ingest_name=ingest_name)
        except DatabaseError as exc:
            DeadLetter.objects.create(topic=message.topic[:255], payload=message.payload,
                                      reason=f"database refused it: {exc}", received_at=message.received_at)


def update_cart_states(readings, directory: DeviceDirectory) -> None:
    """Upsert each cart's latest state in one statement (older readings lose, see bulk.py);
    a cart that speaks is online."""
    now, rows, carts = timezone.now(), [], []
    for t in readings:
        entry = directory.carts[t.device]
        if entry[1] is not None and entry[1] > t.ts:
            continue  # known older: skip the work; the SQL guard covers other workers
        entry[1] = t.ts
        slot = directory.slots.get((t.dock.rack, t.dock.slot)) if t.dock else None
        rows.append(state_values(entry[0], t, slot, now))
        carts.append(entry[0])
    upsert_states(rows)
    if carts:
        Cart.objects.filter(pk__in=carts, online=False).update(online=True, last_seen=now)


def update_rack_state(t: RackTelemetry) -> None:
    rack = Rack.objects.filter(device_id=t.device).first()
    if rack is None:
        return
    carts = dict(Cart.objects.filter(device_id__in=[s.cart for s in t.slots if s.cart]).values_list("device_id", "id"))
    now = timezone.now()
    # A cart moved from another rack: release its old slot first (a cart sits in one slot).
    Slot.objects.filter(cart_id__in=carts.values()).exclude(rack=rack).update(cart=None)
    readings = {r.slot: r for r in t.slots}
    slots = list(Slot.objects.filter(rack=rack))
    for slot in slots:
        reading = readings.get(slot.number)
        slot.cart_id = carts.get(reading.cart) if reading else None
        slot.charging_current = reading.charging_current if reading else 0.0
        slot.updated_at = now
    # Two passes: empty the slots, then fill them, so a cart moving between two slots of
    # this rack never sits in both at once (cart is unique across slots).
    Slot.objects.filter(rack=rack).update(cart=None)
    Slot.objects.bulk_update(slots, ["cart", "charging_current", "updated_at"])
    Rack.objects.filter(pk=rack.pk).update(health=t.health.state, fault_codes=t.health.faults,
                                           firmware=t.firmware, boot_id=t.boot_id, last_seen=now, online=True)


def update_online(where: Topic, status: Status, received_at: datetime) -> None:
    model = Cart if where.kind == "cart" else Rack
    devices = model.objects.filter(device_id=where.device)
    if status.state == "offline":
        # A Last Will from an earlier boot must not knock a rebooted device offline.
        devices = devices.filter(boot_id__in=[status.boot_id, ""])
    fields = {"online": status.state == "online", "last_seen": received_at}
    if status.state == "online":
        fields["boot_id"] = status.boot_id
        if status.firmware:
            fields["firmware"] = status.firmware
    devices.update(**fields)


def record_flush(name: str, messages: list[Message], batch: Batch) -> None:
    now = timezone.now()
    lag_ms = (now - min(m.received_at for m in messages)).total_seconds() * 1000 if messages else 0.0
    stored = len(batch.cart_readings) + len(batch.rack_readings) + len(batch.events) + len(batch.statuses)
    updated = IngestState.objects.filter(name=name).update(
        last_flush_at=now, lag_ms=lag_ms, stored_total=F("stored_total") + stored,
        dead_total=F("dead_total") + len(batch.dead),
    )
    if not updated:
        IngestState.objects.create(name=name, last_flush_at=now, lag_ms=lag_ms, stored_total=stored,
                                   dead_total=len(batch.dead))
