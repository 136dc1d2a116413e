"""Turning MQTT messages into rows: validate, batch-insert once per (device, boot_id, seq),
advance latest state, dead-letter what breaks the contract. No MQTT here: `manage.py ingest`
feeds batches in, tests feed them directly.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone

from onprem.commands import services as command_services
from smartcart.protocol import (
    Ack,
    CartTelemetry,
    Event,
    ProtocolError,
    RackTelemetry,
    Status,
    Topic,
    parse_topic,
)

from .bulk import insert_readings, reading_values, state_values, upsert_states
from .dead_letters import dead_letter
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
    retained: bool = False  # delivered from the broker's store on subscribe, not published now


@dataclass(slots=True)
class Latest:
    """A cart reading waiting to become the cart's latest state."""

    reading: CartTelemetry
    at: datetime  # when it was taken, capped at its arrival (see state_time)


@dataclass
class Batch:
    cart_readings: list[str] = field(default_factory=list)  # SQL rows, see bulk.py
    rack_readings: list[tuple[RackReading, RackTelemetry]] = field(default_factory=list)
    events: list[DeviceEvent] = field(default_factory=list)
    statuses: list[tuple[Topic, Status, datetime]] = field(default_factory=list)
    cart_telemetry: list[Latest] = field(default_factory=list)  # parsed, for latest state
    acks: list[tuple[Topic, Ack, Message]] = field(default_factory=list)
    cmds: list[tuple[Topic, str | None, Message]] = field(default_factory=list)  # (where, command id, message)
    dead: list[DeadLetter] = field(default_factory=list)

    def online(self) -> list[tuple[str, str]]:
        """(kind, device) of each device this batch says is online: its waiting commands go
        out once the batch is committed."""
        return [(where.kind, where.device) for where, status, _ in self.statuses if status.state == "online"]

    @cached_property
    def newest_per_cart(self) -> dict[str, Latest]:
        """Each cart's newest reading in this batch, by the same order as its latest state
        (ts capped at arrival): what the apps above the fleet (alerts, dashboard) look at."""
        return newest_per_cart({}, self.cart_telemetry)

    def stored_anything(self) -> bool:
        """Whether the apps above the fleet have anything to hear (an idle flush has not)."""
        return bool(self.cart_telemetry or self.rack_readings or self.events or self.statuses or self.acks)


class DeviceDirectory:
    """What ingest must know of the fleet on every message, kept in memory: which device ids
    exist, each cart's row id and newest reading time, each slot's row id.

    Re-read on a miss, but at most every few seconds per unknown id, so a flood from an
    unprovisioned device cannot hammer the database. One ingest process owns latest state.
    """

    def __init__(self, store: str | None = None) -> None:
        self.store = store or settings.STORE_ID
        self.carts: dict[str, list] = {
            device: [pk, last] for device, pk, last in Cart.objects.values_list("device_id", "id", "state__reading_at")
        }
        self.racks = set(Rack.objects.values_list("device_id", flat=True))
        self.slots = {(rack, number): pk for pk, rack, number in
                      Slot.objects.values_list("id", "rack__device_id", "number")}
        self.unknown_until: dict[str, float] = {}
        # Newest reading per cart not yet written to CartState (see store_batch).
        self.pending_states: dict[str, Latest] = {}
        self.states_written_at = float("-inf")  # the first states are due at once

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
    """Put one message into the batch, or into its dead letters with the reason.

    Whatever a message holds, it costs ingest one dead letter at most: any error while reading
    it is its own, except the database's, which the caller retries (it is not the message's)."""
    if message.retained and not message.topic.startswith(f"smartcart/{directory.store}/"):
        # Re-sent by the broker at every subscribe: it was dead-lettered when it was published
        # live, and reading it again must not add a row per restart.
        return
    try:
        where = parse_topic(message.topic)
        if where.store != directory.store:
            raise ProtocolError(f"topic is for store {where.store!r}, but this is store {directory.store!r}")
        if not directory.has(where.kind, where.device):
            raise ProtocolError(f"unknown device {where.kind} {where.device!r}: provision it first")
        accept(where, message, batch)
    except DatabaseError:
        raise
    except ProtocolError as exc:
        refuse(message, str(exc), batch)
    except Exception as exc:  # noqa: BLE001 - one unreadable message must never stop ingest
        log.exception("ingest could not read a message on %.120s", message.topic)
        refuse(message, f"ingest could not read it ({type(exc).__name__}: {exc})", batch)


def refuse(message: Message, reason: str, batch: Batch) -> None:
    batch.dead.append(dead_letter(topic=message.topic, payload=message.payload, reason=reason,
                                  received_at=message.received_at))


def accept(where: Topic, message: Message, batch: Batch) -> None:
    if where.channel == "telemetry" and where.kind == "cart":
        reading = CartTelemetry.parse(message.payload)
        same_device(where, reading.device)
        not_in_future(reading.ts, message.received_at)
        batch.cart_readings.append(reading_values(reading, message.received_at))
        batch.cart_telemetry.append(Latest(reading, state_time(reading.ts, message.received_at)))
    elif where.channel == "telemetry":
        reading = RackTelemetry.parse(message.payload)
        same_device(where, reading.device)
        not_in_future(reading.ts, message.received_at)
        batch.rack_readings.append((rack_row(reading, message.received_at), reading))
    elif where.channel == "status":
        status = Status.parse(message.payload)
        same_device(where, status.device)
        batch.statuses.append((where, status, message.received_at))
    elif where.channel == "event":
        event = Event.parse(message.payload)
        same_device(where, event.device)
        not_in_future(event.ts, message.received_at)
        batch.events.append(DeviceEvent(device_id=event.device, kind=where.kind, boot_id=event.boot_id,
                                        seq=event.seq, ts=event.ts, event=event.event, data=event.data))
    elif where.channel == "ack":
        ack = Ack.parse(message.payload)
        same_device(where, ack.device)
        # Whether this store sent the id is asked of the database once per batch (settle_commands).
        batch.acks.append((where, ack, message))
    else:
        # The store hears its own commands (ingest reads `#`): settle_commands skips those and
        # dead-letters the rest.
        batch.cmds.append((where, command_id(message.payload), message))


DEVICE_CMD = "ingest does not take 'cmd' messages from devices: cmd goes from the store to a device"


def command_id(payload: bytes) -> str | None:
    """The id of a cmd message, if it has a readable one; what else it holds is the agent's
    business, and a cmd the store did not send is dead-lettered whatever it holds."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def settle_commands(batch: Batch) -> None:
    """Acks advance the commands this store sent (commands.services.record_ack); an ack for any
    other id, and a cmd the store did not publish itself, become dead letters. One query for
    the whole batch: acks are few beside telemetry, but ingest must never stall on them."""
    if not (batch.acks or batch.cmds):
        return
    sent = command_services.known_ids([ack.id for _, ack, _ in batch.acks] +
                                      [cid for _, cid, _ in batch.cmds if cid])
    for where, ack, message in batch.acks:
        if sent.get(ack.id) != (where.kind, where.device):
            refuse(message, f"ack for command {ack.id!r}, which this store never sent", batch)
        else:
            command_services.record_ack(ack, kind=where.kind, at=message.received_at)
    for where, cid, message in batch.cmds:
        if cid is None or sent.get(cid) != (where.kind, where.device):
            refuse(message, DEVICE_CMD, batch)


def same_device(where: Topic, device: str) -> None:
    if device != where.device:
        raise ProtocolError(f"payload device {device!r} does not match topic device {where.device!r}")


def not_in_future(ts: datetime, received_at: datetime) -> None:
    """A reading from the future would sit above every real one; refuse it past the allowed
    clock skew (SMARTCART_INGEST_MAX_SKEW_S) so a device with a wrong clock shows up here."""
    skew = timedelta(seconds=settings.INGEST_MAX_SKEW_SECONDS)
    if ts > received_at + skew:
        ahead = (ts - received_at).total_seconds()
        raise ProtocolError(f"field ts is {ahead:.0f} s ahead of the store's clock "
                            f"(at most {skew.total_seconds():.0f} s allowed): check the device's clock")


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
    pending = newest_per_cart(directory.pending_states, batch.cart_telemetry)
    write_states = bool(pending) and directory.states_due(state_every)
    written: dict[str, datetime] = {}
    with transaction.atomic():
        insert_readings(batch.cart_readings)
        RackReading.objects.bulk_create([row for row, _ in batch.rack_readings], ignore_conflicts=True)
        DeviceEvent.objects.bulk_create(batch.events, ignore_conflicts=True)
        open_help_requests(batch.events)
        settle_commands(batch)
        DeadLetter.objects.bulk_create(batch.dead)
        if write_states:
            written = update_cart_states(pending.values(), directory)
        for _, reading in sorted(batch.rack_readings, key=lambda pair: pair[1].ts):
            update_rack_state(reading)
        for where, status, received_at in batch.statuses:
            update_online(where, status, received_at)
        record_flush(ingest_name, messages, batch)
    # Only now, committed, may memory move on: a rollback above keeps the pending states and
    # the known reading times as they were, so the retry writes them again.
    if write_states:
        for device, reading_at in written.items():
            directory.carts[device][1] = reading_at
        pending, directory.states_written_at = {}, time.monotonic()
    directory.pending_states = pending
    return batch


def open_help_requests(events: list[DeviceEvent]) -> None:
    """A cart's help button (event `help_requested`) becomes a help request in the batch's own
    transaction: the request exists exactly when the event does, and a redelivered event makes
    none (shopping.help keys requests by event). Batches without the event pay one scan of
    their few events. A bug in the hook costs the request, logged, never the batch: its
    savepoint is rolled back and the batch commits. A deadlock or an outage goes up and the
    batch is retried, as after any other statement of it."""
    pressed = [e for e in events if e.event == "help_requested"]
    if not pressed:
        return
    from onprem.shopping.help import help_from_cart_events  # shopping builds on fleet, not back

    try:
        with transaction.atomic():
            help_from_cart_events(events=pressed)
    except (OperationalError, InterfaceError):
        raise
    except Exception:  # noqa: BLE001 - a help request must never cost the store its telemetry
        if transaction.get_rollback():  # the batch's transaction itself is broken: retry it
            raise
        log.exception("ingest could not open help requests for %d cart events", len(pressed))


def newest_per_cart(pending: dict[str, Latest], latest: list[Latest]) -> dict[str, Latest]:
    merged = dict(pending)
    for item in latest:
        known = merged.get(item.reading.device)
        if known is None or item.at >= known.at:
            merged[item.reading.device] = item
    return merged


def store_one_by_one(messages: list[Message], directory: DeviceDirectory, *, ingest_name: str) -> list[Batch]:
    """The slow path after a batch failed: each message alone, a failing one dead-lettered.
    Returns the batches stored (one per message that was).

    A database outage still propagates (the caller retries the batch); anything else that one
    message trips is that message's fault and costs only that message."""
    stored: list[Batch] = []
    for message in messages:
        try:
            stored.append(store_batch([message], directory, ingest_name=ingest_name))
        except Exception as exc:  # noqa: BLE001
            if is_outage(exc):
                raise
            log.warning("ingest refused one message on %.120s: %s", message.topic, exc)
            letter = dead_letter(topic=message.topic, payload=message.payload, received_at=message.received_at,
                                 reason=f"ingest could not store it ({type(exc).__name__}: {exc})")
            letter.save()
    return stored


def is_outage(exc: BaseException) -> bool:
    """Is this error the database being away (retry later) rather than about one message?

    Drivers report some data errors as OperationalError too, so ask the database itself."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return True
    return False


def update_cart_states(latest, directory: DeviceDirectory) -> dict[str, datetime]:
    """Upsert each cart's latest state in one statement (older readings lose, see bulk.py);
    a cart that speaks is online. Returns each written cart's reading time."""
    now, rows, carts, written = timezone.now(), [], [], {}
    for item in latest:
        t = item.reading
        pk, known = directory.carts[t.device]
        if known is not None and known > item.at:
            continue  # known older: skip the work; the SQL guard covers other workers
        slot = directory.slots.get((t.dock.rack, t.dock.slot)) if t.dock else None
        rows.append(state_values(pk, t, slot, now, reading_at=item.at))
        carts.append(pk)
        written[t.device] = item.at
    upsert_states(rows)
    if carts:
        Cart.objects.filter(pk__in=carts, online=False).update(online=True, last_seen=now)
    return written


def state_time(ts: datetime, received_at: datetime) -> datetime:
    """When the latest state says the reading was taken: never later than ingest received it.

    Readings beyond the allowed skew are refused, but one inside it would still outrank every
    honest reading until real time caught up; capped at its arrival, the next honest one wins."""
    return min(ts, received_at)


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
        if model is Rack:
            fields["page_url"] = status.page_url
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
