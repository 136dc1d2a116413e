"""What /healthz reports: each component of the store tier, checked live and cheaply."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from smartcart.health import run_checks


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "detail": connection.vendor}


def check_cache() -> dict:
    cache.set("healthz", "1", 5)
    return {"ok": cache.get("healthz") == "1", "detail": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker() -> dict:
    # A TCP connect is enough to tell "broker down" from "up"; ingest's own lag says the rest.
    host, port = settings.MQTT["host"], settings.MQTT["port"]
    with socket.create_connection((host, port), timeout=1.0):
        pass
    return {"ok": True, "detail": f"{host}:{port}"}


def check_ingest() -> dict:
    from onprem.fleet.models import IngestState
    from onprem.fleet.services import ingest_health

    result = ingest_health()
    # A clean stop is known at once; staleness alone would take INGEST_STALE_SECONDS to tell.
    newest = IngestState.objects.order_by("-last_flush_at").first()
    stopped = newest and newest.stopped_at and newest.started_at and newest.stopped_at >= newest.started_at
    if result["ok"] and stopped:
        result.update(ok=False, detail=f"ingest {newest.name} stopped at {newest.stopped_at:%H:%M:%S}")
    return result


# The store systems are probed with a bare TCP connect, 1 s at most: the heartbeat and /healthz
# must never wait on a hung ERP or terminal (their clients' own timeouts are 10 s).
PROBE_TIMEOUT_S = 1.0


def unreachable(url: str, default_ports: dict[str, int]) -> str:
    """Why `url`'s host does not take a TCP connection, or "" when it does."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or default_ports.get(parts.scheme, 80)
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S):
            return ""
    except OSError as exc:
        return f"{host}:{port} unreachable: {exc.strerror or type(exc).__name__}"


def check_erp() -> dict:
    """The ERP answers and the newest sync went through; a store that never synced has none."""
    from onprem.integrations.erp.models import SyncRun

    last = SyncRun.objects.exclude(status=SyncRun.Status.RUNNING).order_by("-started_at", "-id").first()
    if last is None:
        return {"ok": True, "detail": "not configured (no ERP sync has run)"}
    down = unreachable(settings.ERP_URL, {"http": 80, "https": 443})
    if down:
        return {"ok": False, "detail": f"ERP {down}"}
    if last.status == SyncRun.Status.FAILED:
        return {"ok": False, "detail": f"last {last.kind} sync failed: {last.error}"}
    return {"ok": True, "detail": f"last {last.kind} sync ok"}


def check_cashless() -> dict:
    """The terminal takes a connection; without an event secret no terminal is set up."""
    from onprem.integrations.cashless.client import DEFAULT_PORTS

    if not settings.CASHLESS_EVENT_SECRET:
        return {"ok": True, "detail": "not configured"}
    down = unreachable(settings.CASHLESS_URL, DEFAULT_PORTS)
    return {"ok": not down, "detail": f"terminal {down}" if down else "terminal reachable"}


def disk_path() -> Path:
    # The database's volume when it is a file here (SQLite), else the store's own files.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        return Path(database["NAME"]).parent
    return Path(settings.VAR_DIR)


def check_disk() -> dict:
    usage = shutil.disk_usage(disk_path())
    free_pct = round(usage.free * 100 / usage.total, 1) if usage.total else 0.0
    ok = free_pct >= settings.DISK_MIN_FREE_PCT
    detail = f"{free_pct:.0f} % free" + ("" if ok else f", under {settings.DISK_MIN_FREE_PCT} %")
    return {"ok": ok, "detail": detail, "free_pct": free_pct, "free_mb": round(usage.free / 2**20, 1)}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "ingest": check_ingest,
    "erp": check_erp,
    "cashless": check_cashless,
    "disk": check_disk,
}


def component_health(checks: dict = CHECKS) -> dict:
    return run_checks(checks)
