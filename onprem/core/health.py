"""What /healthz reports: each component of the store tier, checked live and cheaply."""

from __future__ import annotations

import socket

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
    from onprem.fleet.services import ingest_health

    return ingest_health()


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "ingest": check_ingest}


def component_health(checks: dict = CHECKS) -> dict:
    return run_checks(checks)
