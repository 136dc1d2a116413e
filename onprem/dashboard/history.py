"""A cart's past for its page: battery and temperature over a range (downsampled in the
database, then to at most MAX_POINTS), firmware versions seen, events, commands, sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Avg, Max, Min
from django.db.models.functions import TruncHour, TruncMinute
from django.utils import timezone

from onprem.commands.models import Command
from onprem.fleet.models import CartReading, DeviceEvent
from onprem.shopping.models import ShoppingSession

from .live import iso

# range -> (span, what the database groups by, seconds per point on the chart)
RANGES = {
    "1h": (timedelta(hours=1), TruncMinute, 60),
    "24h": (timedelta(hours=24), TruncMinute, 300),
    "7d": (timedelta(days=7), TruncHour, 3600),
    "30d": (timedelta(days=30), TruncHour, 3 * 3600),
}
MAX_POINTS = 300
LISTED = 50  # events, commands and sessions shown on the page


class BadRange(ValueError):
    pass


def battery_series(device_id: str, range_name: str, *, now: datetime | None = None) -> dict:
    """Average charge and temperature per bucket over the range, oldest first."""
    if range_name not in RANGES:
        raise BadRange(f"range must be one of {', '.join(RANGES)}, not {range_name[:20]!r}")
    span, trunc, bucket_s = RANGES[range_name]
    now = now or timezone.now()
    rows = (CartReading.objects.filter(device_id=device_id, ts__gte=now - span, ts__lte=now)
            .annotate(at=trunc("ts", tzinfo=UTC)).values("at")
            .annotate(soc=Avg("soc"), temp=Avg("temperature")).order_by("at"))
    return {"range": range_name, "bucket_s": bucket_s, "from": iso(now - span), "to": iso(now),
            "points": merge(rows, bucket_s)[-MAX_POINTS:]}


def merge(rows, bucket_s: int) -> list[dict]:
    """Per-minute or per-hour averages into chart buckets of bucket_s seconds."""
    buckets: dict[int, list] = {}
    for row in rows:
        at = row["at"] if row["at"].tzinfo else row["at"].replace(tzinfo=UTC)
        key = int(at.timestamp()) // bucket_s * bucket_s
        buckets.setdefault(key, []).append(row)
    return [{"t": iso(datetime.fromtimestamp(key, UTC)),
             "soc": round(sum(r["soc"] for r in group) / len(group), 1),
             "temp": round(sum(r["temp"] for r in group) / len(group), 1)}
            for key, group in sorted(buckets.items())]


def firmware_history(device_id: str) -> list[dict]:
    """Each firmware version the cart reported, with when it was first and last seen."""
    rows = (CartReading.objects.filter(device_id=device_id).values("firmware")
            .annotate(first=Min("ts"), last=Max("ts")).order_by("first"))
    return [{"firmware": r["firmware"], "first": r["first"], "last": r["last"]} for r in rows]


def recent_events(device_id: str):
    return DeviceEvent.objects.filter(device_id=device_id, kind="cart").order_by("-ts")[:LISTED]


def recent_commands(device_id: str):
    return Command.objects.filter(kind="cart", device_id=device_id).order_by("-created_at")[:LISTED]


def recent_sessions(cart):
    return (ShoppingSession.objects.filter(cart=cart).select_related("order")
            .order_by("-started_at")[:LISTED])
