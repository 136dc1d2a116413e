"""Turning MQTT messages into rows: validate, batch-insert once per (device, boot_id, seq),
advance latest state, dead-letter what breaks the contract. No MQTT here: `manage.py ingest`
feeds batches in, tests feed them directly.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
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

from .models import Cart, CartReading, DeadLetter, DeviceEvent, IngestState, Rack, RackReading, Slot

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
    cart_readings: list[CartReading] = field(default_factory=list)
    rack_readings: list[tuple[RackReading, RackTelemetry]] = field(default_factory=list)
    events: list[DeviceEvent] = field(default_factory=list)
    statuses: list[tuple[Topic, Status, datetime]] = field(default_factory=list)
    latest_carts: dict[str, CartTelemetry] = field(default_factory=dict)
    dead: list[DeadLetter] = field(default_factory=list)


class DeviceDirectory:
    """Which device ids exist, per kind; re-read on a miss, but at most every few seconds
    per unknown id so a flood from an unprovisioned device cannot hammer the database."""

    def __init__(self) -> None:
        self.known = {"cart": set(Cart.objects.values_list("device_id", flat=True)),
                      "rack": set(Rack.objects.values_list("device_id", flat=True))}
        self.unknown_until: dict[str, float] = {}

    def has(self, kind: str, device: str) -> bool:
        if device in self.known[kind]:
            return True
        if self.unknown_until.get(device, 0) > time.monotonic():
            return False
        model = Cart if kind == "cart" else Rack
        if model.objects.filter(device_id=device).exists():
            self.known[kind].add(device)
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
        batch.cart_readings.append(cart_row(reading, message.received_at))
        newest = batch.latest_carts.get(reading.device)
        if newest is None or reading.ts >= newest.ts:
            batch.latest_carts[reading.device] = reading
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


def cart_row(t: CartTelemetry, received_at: datetime) -> CartReading:
    return CartReading(
        device_id=t.device, boot_id=t.boot_id, seq=t.seq, ts=t.ts, received_at=received_at,
        soc=t.battery.soc, voltage=t.battery.voltage, temperature=t.battery.temperature,
        charging=t.battery.charging, health=t.health.state, fault_codes=t.health.faults,
        dock_rack=t.dock.rack if t.dock else "", dock_slot=t.dock.slot if t.dock else None,
        firmware=t.firmware,
    )


def rack_row(t: RackTelemetry, received_at: datetime) -> RackReading:
    return RackReading(
        device_id=t.device, boot_id=t.boot_id, seq=t.seq, ts=t.ts, received_at=received_at,
        slots=[{"slot": s.slot, "cart": s.cart, "charging_current": s.charging_current} for s in t.slots],
        health=t.health.state, fault_codes=t.health.faults, firmware=t.firmware,
    )


def store_batch(messages: list[Message], directory: DeviceDirectory, *, ingest_name: str = "ingest") -> Batch:
    """Validate and store a batch in one transaction; duplicates are skipped by the database."""
    batch = Batch()
    for message in messages:
        classify(message, directory, batch)
    with transaction.atomic():
        CartReading.objects.bulk_create(batch.cart_readings, ignore_conflicts=True)
        RackReading.objects.bulk_create([row for row, _ in batch.rack_readings], ignore_conflicts=True)
        DeviceEvent.objects.bulk_create(batch.events, ignore_conflicts=True)
        DeadLetter.objects.bulk_create(batch.dead)
        for reading in batch.latest_carts.values():
            update_cart_state(reading)
        for _, reading in sorted(batch.rack_readings, key=lambda pair: pair[1].ts):
            update_rack_state(reading)
        for where, status, received_at in batch.statuses:
            update_online(where, status, received_at)
        record_flush(ingest_name, messages, batch)
    return batch


def update_cart_state(t: CartTelemetry) -> None:
    """Advance a cart's latest state, unless a newer reading already did (late redelivery)."""
    slot_id = None
    if t.dock:
        slot_id = Slot.objects.filter(rack__device_id=t.dock.rack, number=t.dock.slot).values_list("id", flat=True).first()
    newer = Cart.objects.filter(device_id=t.device, last_reading_at__gt=t.ts)
    if newer.exists():
        return
    Cart.objects.filter(device_id=t.device).update(
        soc=t.battery.soc, voltage=t.battery.voltage, temperature=t.battery.temperature,
        charging=t.battery.charging, health=t.health.state, fault_codes=t.health.faults,
        dock_slot_id=slot_id, firmware=t.firmware, boot_id=t.boot_id, last_reading_at=t.ts,
        last_seen=timezone.now(), online=True,
    )


def update_rack_state(t: RackTelemetry) -> None:
    rack = Rack.objects.filter(device_id=t.device).first()
    if rack is None:
        return
    carts = dict(Cart.objects.filter(device_id__in=[s.cart for s in t.slots if s.cart]).values_list("device_id", "id"))
    now = timezone.now()
    # A cart moved from another rack: release its old slot first (a cart sits in one slot).
    Slot.objects.filter(cart_id__in=carts.values()).exclude(rack=rack).update(cart=None)
    Slot.objects.filter(rack=rack).update(cart=None)
    for reading in t.slots:
        Slot.objects.filter(rack=rack, number=reading.slot).update(
            cart_id=carts.get(reading.cart), charging_current=reading.charging_current, updated_at=now)
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
