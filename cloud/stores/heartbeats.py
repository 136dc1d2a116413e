"""The shape of a store's heartbeat (docs/tunnel.md), checked field by field.

Whatever a store sends, only this shape is ever stored, so the store list can read every row.
Each check takes the field's path (for the message) and its value, and returns the value to
keep or raises StoreError saying what is wrong. Unknown fields and components are refused:
the tunnel is versioned, so a new field comes with a cloud that reads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from smartcart.tunnel_frames import MAX_HEARTBEAT_TEXT

from .errors import StoreError

Check = Callable[[str, object], object]
MAX_TEXT = MAX_HEARTBEAT_TEXT
MAX_COUNT = 10**9
MAX_AMOUNT = 1e12
STATUSES = ("ok", "degraded")


def fail(path: str, wanted: str, value: object) -> StoreError:
    return StoreError(f"bad heartbeat: {path} must be {wanted}, not {type(value).__name__}")


def text(max_length: int = MAX_TEXT) -> Check:
    def check(path: str, value: object) -> str:
        if not isinstance(value, str):
            raise fail(path, "a string", value)
        if len(value) > max_length:
            raise StoreError(f"bad heartbeat: {path} is longer than {max_length} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise StoreError(f"bad heartbeat: {path} holds a lone surrogate") from None
        return value

    return check


def flag(path: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise fail(path, "true or false", value)
    return value


def count(path: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise fail(path, f"a whole number from 0 to {MAX_COUNT}", value)
    return value


def amount(path: str, value: object) -> float:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or not 0 <= value <= MAX_AMOUNT:
        raise fail(path, f"a number from 0 to {MAX_AMOUNT:g}", value)
    return value


def optional(check: Check) -> Check:
    return lambda path, value: None if value is None else check(path, value)


def one_of(*choices: str) -> Check:
    def check(path: str, value: object) -> str:
        if value not in choices:
            raise StoreError(f"bad heartbeat: {path} must be one of {', '.join(choices)}")
        return value

    return check


def record(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object with exactly these fields (those in `required` must be present)."""

    def check(path: str, value: object) -> dict:
        if not isinstance(value, dict):
            raise fail(path, "an object", value)
        unknown = sorted(str(k) for k in value if k not in fields)
        if unknown:
            raise StoreError(
                f"bad heartbeat: {path} has unknown field {unknown[0]!r} "
                f"(known: {', '.join(fields)})"
            )
        missing = [name for name in required if name not in value]
        if missing:
            raise StoreError(f"bad heartbeat: {path}.{missing[0]} is missing")
        return {name: fields[name](f"{path}.{name}", v) for name, v in value.items()}

    return check


COMPONENT = {"ok": flag, "detail": text(), "ms": amount}
INGEST = {
    **COMPONENT,
    "lag_ms": optional(amount),
    "last_flush_age_s": optional(amount),
    "stored_total": count,
    "dead_total": count,
    "crashes": count,
}
# Disk of the store box (the database's volume): free space as a share and in MB.
DISK = {**COMPONENT, "free_pct": optional(amount), "free_mb": optional(amount)}
# What the store runs: its on-prem version and the tunnel protocol it speaks (cloud/software).
SOFTWARE = record({"version": text(40), "protocol": count}, required=("version", "protocol"))
CARTS = ("total", "online", "offline", "low_battery", "fault", "docked")
RACKS = ("total", "online", "offline")
FLEET_DOWN = record({"error": text()}, required=("error",))
FLEET_COUNTS = record(
    {
        "carts": record(dict.fromkeys(CARTS, count), required=CARTS),
        "racks": record(dict.fromkeys(RACKS, count), required=RACKS),
    },
    required=("carts", "racks"),
)


def fleet(path: str, value: object) -> dict:
    # The store sends {"error": ...} when it cannot count its fleet (its database is down).
    down = isinstance(value, dict) and "error" in value
    return (FLEET_DOWN if down else FLEET_COUNTS)(path, value)


HEARTBEAT = record(
    {
        "store": text(64),
        "status": one_of(*STATUSES),
        "components": record(
            {
                "database": record(COMPONENT, required=("ok",)),
                "cache": record(COMPONENT, required=("ok",)),
                "broker": record(COMPONENT, required=("ok",)),
                "ingest": record(INGEST, required=("ok",)),
                # Since issue 11; a store that does not send them yet is still read.
                "erp": record(COMPONENT, required=("ok",)),
                "cashless": record(COMPONENT, required=("ok",)),
                "disk": record(DISK, required=("ok",)),
            }
        ),
        "fleet": fleet,
        "software": SOFTWARE,
        "sent_at": optional(text(40)),
    },
    required=("status", "components", "fleet"),
)


def clean_heartbeat(body: object) -> dict:
    """The heartbeat as it may be stored, or StoreError naming the first field that is wrong."""
    return HEARTBEAT("body", body)
