"""A store's heartbeat history: one HeartbeatSample per store and minute, for the console's charts.

Heartbeats come every few seconds from every store (1,000 stores at one every 10 s is 100 a
second); the history needs one point a minute. So each process remembers the last minute it
wrote per store and writes only when the minute changes: at most one write per store per
minute per process, never a read first. Two pods writing the same minute meet on the unique
(store, at) constraint and the second one updates the row instead.

Writing history must never cost a heartbeat: record_sample logs and swallows every error.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import HeartbeatSample, Store

log = logging.getLogger(__name__)
KEEP_DAYS = 14
PRUNE_EVERY = timedelta(hours=1)
MAX_HOURS = 24 * KEEP_DAYS
# (store pk, created_at) -> the minute this process last wrote a sample for (bounded by the
# store count; created_at too because a recreated database reuses primary keys).
_written: dict[tuple, datetime] = {}
_last_prune: list[datetime] = []


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def sample_fields(body: dict) -> dict:
    """The sample's columns from a (checked) heartbeat body; a fleet the store could not count
    ({"error": ...}) gives zero counts."""
    fleet = body.get("fleet") or {}
    carts, racks = fleet.get("carts") or {}, fleet.get("racks") or {}
    components = body.get("components") or {}
    return {
        "online": True,
        "status": str(body.get("status", ""))[:16],
        "components": {name: bool(c.get("ok")) for name, c in components.items()},
        "carts_total": carts.get("total", 0),
        "carts_online": carts.get("online", 0),
        "carts_offline": carts.get("offline", 0),
        "carts_fault": carts.get("fault", 0),
        "carts_low_battery": carts.get("low_battery", 0),
        "racks_online": racks.get("online", 0),
        "ingest_lag_ms": components.get("ingest", {}).get("lag_ms"),
        "version": str((body.get("software") or {}).get("version", ""))[:40],
    }


def record_sample(store: Store, body: dict, now: datetime | None = None) -> bool:
    """Keep this heartbeat as the store's sample of its minute, unless this process already
    wrote that minute; True when a row was written. Never raises (logs instead)."""
    minute = minute_of(now or timezone.now())
    key = (store.pk, store.created_at)
    if _written.get(key) == minute:
        return False
    try:
        write_sample(store.pk, minute, sample_fields(body))
    except Exception:  # a history write must never cost the heartbeat
        log.exception("heartbeat sample not written store=%s", store.code)
        return False
    _written[key] = minute
    return True


def write_sample(store_id: int, minute: datetime, fields: dict) -> None:
    try:
        with transaction.atomic():
            HeartbeatSample.objects.update_or_create(store_id=store_id, at=minute, defaults=fields)
    except IntegrityError:  # another pod created the same minute between our read and insert
        if not HeartbeatSample.objects.filter(store_id=store_id, at=minute).update(**fields):
            raise  # no such row either: the store itself is gone


def record_offline_minute(now: datetime | None = None) -> int:
    """An offline sample for this minute for every offline store that has none yet (the
    monitor's sweep calls it): a gap in the chart then reads as offline, not as missing data."""
    minute = minute_of(now or timezone.now())
    offline = Store.objects.filter(online=False).exclude(samples__at=minute)
    rows = [
        HeartbeatSample(store_id=pk, at=minute, online=False)
        for pk in offline.values_list("pk", flat=True)
    ]
    HeartbeatSample.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def prune(older_than_days: int = KEEP_DAYS, now: datetime | None = None) -> int:
    """Delete samples older than `older_than_days`; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = HeartbeatSample.objects.filter(at__lt=cutoff).delete()
    if deleted:
        log.info("heartbeat samples pruned count=%s older_than_days=%s", deleted, older_than_days)
    return deleted


def sweep(now: datetime | None = None) -> dict:
    """The monitor's step: offline minutes every sweep, pruning at most once an hour."""
    now = now or timezone.now()
    result = {"offline_samples": record_offline_minute(now), "pruned": 0}
    if not _last_prune or now - _last_prune[-1] >= PRUNE_EVERY:
        result["pruned"] = prune(now=now)
        _last_prune[:] = [now]
    return result


def history(store: Store, hours: int = 24, now: datetime | None = None) -> list[dict]:
    """One point per minute of the last `hours` (from the store's first sample in that window),
    oldest first; a minute without a sample is offline (no heartbeat came)."""
    hours = max(1, min(int(hours), MAX_HOURS))
    end = minute_of(now or timezone.now())
    start = end - timedelta(hours=hours)
    rows = HeartbeatSample.objects.filter(store=store, at__gt=start, at__lte=end)
    by_minute = {row.at: row for row in rows.order_by("at")}
    if not by_minute:
        return []
    points, minute = [], min(by_minute)
    while minute <= end:
        row = by_minute.get(minute)
        points.append(point(row) if row else {"at": minute.isoformat(), "online": False})
        minute += timedelta(minutes=1)
    return points


def point(row: HeartbeatSample) -> dict:
    return {
        "at": row.at.isoformat(),
        "online": row.online,
        "status": row.status,
        "components": row.components,
        "carts_total": row.carts_total,
        "carts_online": row.carts_online,
        "carts_offline": row.carts_offline,
        "carts_fault": row.carts_fault,
        "carts_low_battery": row.carts_low_battery,
        "racks_online": row.racks_online,
        "ingest_lag_ms": row.ingest_lag_ms,
        "version": row.version,
    }
