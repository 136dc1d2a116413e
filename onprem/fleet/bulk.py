"""The two hot statements of ingest, written as SQL: a multi-row insert of readings that skips
rows already stored, and the upsert of carts' latest state that never lets an older reading win. Django's bulk_create spent twice the database's own time compiling this statement, and
the driver's per-value quoting another third of ingest's CPU (bench/ingest.py,
docs/benchmarks.md), so both are formatted here; nothing else in ingest bypasses the ORM.

Formatting values into SQL is safe only because smartcart.protocol has already confined every
string in a reading to letters, digits and - _ . + (ids, versions, fault codes): no quote or
backslash can reach this module. `assert_safe` re-checks that promise on every row.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from smartcart.protocol import CartTelemetry, ProtocolError

READING_COLUMNS = ("device_id", "boot_id", "seq", "ts", "received_at", "soc", "voltage", "temperature",
                   "charging", "health", "fault_codes", "dock_rack", "dock_slot", "firmware")


SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+ :")


def sql_time(moment: datetime) -> str:
    # Both backends store UTC without a zone when USE_TZ is on.
    return moment.replace(tzinfo=None).isoformat(sep=" ")


def reading_values(t: CartTelemetry, received_at: datetime) -> str:
    """One row of the insert, as SQL text."""
    faults = json.dumps(t.health.faults) if t.health.faults else "[]"
    dock_rack, dock_slot = (t.dock.rack, str(t.dock.slot)) if t.dock else ("", "NULL")
    for value in (t.device, t.boot_id, t.firmware, dock_rack, *t.health.faults):
        assert_safe(value)
    b = t.battery
    return (f"('{t.device}','{t.boot_id}',{t.seq:d},'{sql_time(t.ts)}','{sql_time(received_at)}',"
            f"{b.soc!r},{b.voltage!r},{b.temperature!r},{b.charging:d},'{t.health.state}','{faults}',"
            f"'{dock_rack}',{dock_slot},'{t.firmware}')")


def assert_safe(value: str) -> None:
    if not set(value) <= SAFE:
        # A ProtocolError, so ingest dead-letters the message instead of failing the batch.
        raise ProtocolError(f"refusing to store {value!r}: only letters, digits and - _ . + are allowed")


def insert_readings(rows: list[str]) -> None:
    """INSERT, skipping any (device_id, boot_id, seq) already stored (a broker redelivery)."""
    if not rows:
        return
    verb = "INSERT IGNORE" if connection.vendor == "mysql" else "INSERT OR IGNORE"
    columns = ", ".join(connection.ops.quote_name(c) for c in READING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"{verb} INTO fleet_cartreading ({columns}) VALUES {','.join(rows)}")


STATE_COLUMNS = ("cart_id", "soc", "voltage", "temperature", "charging", "health", "fault_codes", "dock_slot_id",
                 "firmware", "boot_id", "reading_at", "received_at")


def state_values(cart_id: int, t: CartTelemetry, dock_slot_id: int | None, received_at: datetime, *,
                 reading_at: datetime) -> str:
    faults = json.dumps(t.health.faults) if t.health.faults else "[]"
    for value in (t.boot_id, t.firmware, *t.health.faults):
        assert_safe(value)
    b = t.battery
    slot = "NULL" if dock_slot_id is None else f"{dock_slot_id:d}"
    return (f"({cart_id:d},{b.soc!r},{b.voltage!r},{b.temperature!r},{b.charging:d},'{t.health.state}',"
            f"'{faults}',{slot},'{t.firmware}','{t.boot_id}','{sql_time(reading_at)}','{sql_time(received_at)}')")


def upsert_states(rows: list[str]) -> None:
    """Insert or update carts' latest state; a row whose reading is older than the stored one
    changes nothing, so two ingest workers (or a late redelivery) never roll a cart back."""
    if not rows:
        return
    columns = ", ".join(STATE_COLUMNS)
    updated = [c for c in STATE_COLUMNS if c not in ("cart_id", "reading_at")]
    if connection.vendor == "mysql":
        newer = "VALUES(reading_at) >= reading_at"
        # MySQL assigns left to right with updated values: reading_at must come last.
        sets = [f"{c} = IF({newer}, VALUES({c}), {c})" for c in updated]
        sets.append("reading_at = GREATEST(reading_at, VALUES(reading_at))")
        tail = "ON DUPLICATE KEY UPDATE " + ", ".join(sets)
    else:
        sets = ", ".join(f"{c} = excluded.{c}" for c in (*updated, "reading_at"))
        tail = f"ON CONFLICT(cart_id) DO UPDATE SET {sets} WHERE excluded.reading_at >= fleet_cartstate.reading_at"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO fleet_cartstate ({columns}) VALUES {','.join(rows)} {tail}")
