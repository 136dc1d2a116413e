"""The one hot statement of ingest, written as SQL: a multi-row insert that skips rows already
stored. Django's bulk_create spent twice the database's own time compiling this statement
(bench/ingest.py, docs/benchmarks.md), so the reading insert bypasses the ORM; nothing else does.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from smartcart.protocol import CartTelemetry

READING_COLUMNS = ("device_id", "boot_id", "seq", "ts", "received_at", "soc", "voltage", "temperature",
                   "charging", "health", "fault_codes", "dock_rack", "dock_slot", "firmware")


def naive_utc(moment: datetime) -> str:
    # Both backends store UTC without a zone when USE_TZ is on. A ready string costs the
    # driver a quote instead of a datetime conversion per value (a third of the insert time).
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def reading_values(t: CartTelemetry, received_at: datetime) -> tuple:
    return (t.device, t.boot_id, t.seq, naive_utc(t.ts), naive_utc(received_at), t.battery.soc,
            t.battery.voltage, t.battery.temperature, int(t.battery.charging), t.health.state,
            json.dumps(t.health.faults), t.dock.rack if t.dock else "", t.dock.slot if t.dock else None, t.firmware)


def insert_readings(rows: list[tuple]) -> None:
    """INSERT, skipping any (device_id, boot_id, seq) already stored (a broker redelivery)."""
    if not rows:
        return
    verb = "INSERT IGNORE" if connection.vendor == "mysql" else "INSERT OR IGNORE"
    columns = ", ".join(connection.ops.quote_name(c) for c in READING_COLUMNS)
    marks = ", ".join(["%s"] * len(READING_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"{verb} INTO fleet_cartreading ({columns}) VALUES ({marks})", rows)
