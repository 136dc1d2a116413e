"""What the cloud's /healthz reports: each component, checked live and cheaply."""

from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from smartcart.health import run_checks


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "detail": connection.vendor}


def check_cache() -> dict:
    token = uuid.uuid4().hex
    cache.set("healthz", token, 5)
    return {
        "ok": cache.get("healthz") == token,
        "detail": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }


def check_channel_layer() -> dict:
    # A round trip through the layer: the tunnel's "replace the older connection" message
    # and, later, commands to a store on another pod travel this way.
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)("healthz.")
    async_to_sync(layer.send)(channel, {"type": "healthz"})
    received = async_to_sync(layer.receive)(channel)
    return {"ok": received.get("type") == "healthz", "detail": type(layer).__name__}


def check_stores() -> dict:
    from cloud.stores.models import Store

    online = Store.objects.filter(online=True).count()
    return {"ok": True, "detail": f"{online} of {Store.objects.count()} online", "online": online}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "stores": check_stores,
}


def component_health(checks: dict = CHECKS) -> dict:
    return run_checks(checks)
