"""What the store's installation looks like right now: its processes, health checks and ingest.

Read by the remote actions (actions.py) and written into support bundles (support_bundle.py).
"""

from __future__ import annotations

import importlib.metadata
import platform
import socket
import sys
from datetime import timedelta

import django
from django.conf import settings
from django.utils import timezone

from onprem.core.health import component_health
from onprem.fleet.models import DeadLetter, IngestState

from . import processes
from .components import Component
from .services import fleet_counts

INGEST_FIELDS = [
    "name",
    "last_flush_at",
    "lag_ms",
    "stored_total",
    "dead_total",
    "started_at",
    "stopped_at",
    "crashes",
    "last_error",
]
RECENT_DEAD_LETTERS = 20


def components() -> dict[str, Component]:
    return settings.COMPONENTS


def status() -> dict:
    """Every component's process (running?, pid, uptime, RSS, log) and the /healthz checks."""
    table = [processes.describe(c) for c in components().values()]
    checks = component_health()
    return {
        "store": settings.STORE_ID,
        "host": socket.gethostname(),
        "checked_at": timezone.now().isoformat(),
        "components": table,
        "health": checks,
        "ok": all(c["ok"] for c in checks.values()),
    }


def health() -> dict:
    """The store's health checks (as /healthz and the heartbeat), fleet counts and ingest workers."""
    checks = component_health()
    fleet = fleet_counts()
    healthy = all(c["ok"] for c in checks.values()) and "error" not in fleet
    return {
        "store": settings.STORE_ID,
        "checked_at": timezone.now().isoformat(),
        "status": "ok" if healthy else "degraded",
        "ok": healthy,
        "components": checks,
        "fleet": fleet,
        "ingest_workers": guarded(ingest_workers),
        "dead_letters": guarded(dead_letter_summary),
    }


def guarded(read) -> object:
    # A report must go out when the database is down: that is when ops asks for it.
    try:
        return read()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def ingest_workers() -> list[dict]:
    rows = IngestState.objects.order_by("name").values(*INGEST_FIELDS)
    return [{**row, "last_error": row["last_error"][-500:]} for row in rows]


def dead_letter_summary() -> dict:
    since = timezone.now() - timedelta(hours=24)
    recent = DeadLetter.objects.values("topic", "reason", "payload_size", "received_at")[
        :RECENT_DEAD_LETTERS
    ]
    return {
        "total": DeadLetter.objects.count(),
        "last_24h": DeadLetter.objects.filter(received_at__gte=since).count(),
        "newest": [{**row, "reason": row["reason"][:300]} for row in recent],
    }


def versions() -> dict:
    packages = {dist.metadata["Name"]: dist.version for dist in importlib.metadata.distributions()}
    return {
        "smartcart": packages.get("smartcart", "unknown"),
        "python": sys.version,
        "django": django.get_version(),
        "platform": platform.platform(),
        "packages": dict(sorted(packages.items(), key=lambda item: str(item[0]).lower())),
    }
