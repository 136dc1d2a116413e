"""Stores in every state of health, incidents, and signed-in clients for the console's views."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cloud.incidents.models import Incident
from cloud.stores.models import Store, StoreGroup
from cloud.stores.services import register_store

from ..conftest import heartbeat_body


def heartbeat(code: str, *, status: str = "ok", version: str = "0.3.0", **broken) -> dict:
    """A heartbeat of `code`; `broken={"ingest": "stopped"}` marks those components failing."""
    body = heartbeat_body(status=status)
    body["store"] = code
    body["software"] = {"version": version, "protocol": 1}
    body["components"]["erp"] = {"ok": True, "detail": "not configured"}
    for name, detail in broken.items():
        body["components"][name] = {"ok": False, "detail": detail}
    return body


def make_store(
    code: str, *, online: bool = True, body: dict | None = None, age_s: int = 5
) -> Store:
    store, _key = register_store(code=code, name=f"Shop {code}")
    Store.objects.filter(pk=store.pk).update(
        online=online,
        last_heartbeat_at=timezone.now() - timedelta(seconds=age_s),
        last_heartbeat=body if body is not None else heartbeat(code),
    )
    store.refresh_from_db()
    return store


def open_incident(store: Store, problem: str, severity: str, **fields) -> Incident:
    return Incident.objects.create(
        store=store,
        problem=problem,
        severity=severity,
        title=fields.pop("title", f"{problem} on {store.code}"),
        opened_at=fields.pop("opened_at", timezone.now()),
        **fields,
    )


@pytest.fixture
def fleet(db) -> dict:
    """Five stores: ok, degraded (a failing component), offline, critical (open incident),
    and a warning-only one; store-ok and store-critical in group "north"."""
    stores = {
        "ok": make_store("store-ok"),
        "degraded": make_store(
            "store-degraded", body=heartbeat("store-degraded", status="degraded", ingest="stopped")
        ),
        "offline": make_store("store-offline", online=False, age_s=600),
        "critical": make_store("store-critical"),
        "warning": make_store("store-warning"),
    }
    open_incident(stores["critical"], "component:database", "critical")
    open_incident(stores["warning"], "fleet:carts_offline", "warning")
    north = StoreGroup.objects.create(name="north")
    north.stores.add(stores["ok"], stores["critical"])
    return stores


def signed_in(username: str, **flags) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create(username=username, **flags))
    return client


@pytest.fixture
def ops(db) -> Client:
    return signed_in("olga", is_staff=True)


@pytest.fixture
def store_staff(db) -> Client:
    """A store's staff member with a cloud account but without the ops role."""
    return signed_in("clerk")
