"""Stores with heartbeats at the test's clock, the incident rules pinned, a webhook channel.

Time is driven by `now=` arguments: `beat` and `drop` write what record_heartbeat and
mark_disconnected write, but at the test's clock instead of the wall clock.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from cloud.incidents.models import Incident
from cloud.notifications.models import Channel, Notice
from cloud.stores.heartbeats import clean_heartbeat
from cloud.stores.models import Store
from cloud.stores.services import register_store

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def rules(settings):
    settings.INCIDENT_GRACE_SECONDS = 60
    settings.INCIDENT_RECOVERY_SECONDS = 30
    settings.INCIDENT_FLAP_WINDOW_SECONDS = 600
    settings.INCIDENT_FLAP_ONSETS = 3
    settings.INCIDENT_FLAP_QUIET_SECONDS = 300
    settings.STORE_OFFLINE_AFTER_SECONDS = 30
    return settings


@pytest.fixture
def store(db) -> Store:
    return register_store(code="store-001", name="Store one")[0]


@pytest.fixture
def webhook(db) -> Channel:
    """A channel for every store and severity: each announced event leaves a Notice row."""
    return Channel.objects.create(
        name="ops-hook", kind=Channel.Kind.WEBHOOK, target="http://127.0.0.1:9/hook"
    )


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def body(**components) -> dict:
    """A healthy heartbeat with every component; `components` replace readings by name."""
    beat = {
        "store": "store-001",
        "status": "ok",
        "components": {
            "database": {"ok": True, "detail": "mysql", "ms": 0.5},
            "cache": {"ok": True, "detail": "RedisCache", "ms": 0.3},
            "broker": {"ok": True, "detail": "127.0.0.1:1883", "ms": 0.2},
            "ingest": {
                "ok": True,
                "detail": "running",
                "lag_ms": 40.0,
                "last_flush_age_s": 0.5,
                "stored_total": 1000,
                "dead_total": 0,
                "crashes": 0,
            },
            "erp": {"ok": True, "detail": "not configured", "ms": 0.0},
            "cashless": {"ok": True, "detail": "not configured", "ms": 0.0},
            "disk": {"ok": True, "detail": "62 % free", "ms": 0.1, "free_pct": 62.0},
        },
        "fleet": {
            "carts": {
                "total": 20,
                "online": 20,
                "offline": 0,
                "low_battery": 0,
                "fault": 0,
                "docked": 10,
            },
            "racks": {"total": 2, "online": 2, "offline": 0},
        },
    }
    for name, reading in components.items():
        beat["components"][name] = {**beat["components"][name], **reading}
    return beat


def broken(name: str, detail: str = "down") -> dict:
    return body(**{name: {"ok": False, "detail": detail}})


def with_carts(**counts) -> dict:
    beat = copy.deepcopy(body())
    beat["fleet"]["carts"].update(counts)
    return beat


def beat(store: Store, heartbeat: dict, when: datetime) -> None:
    """Store `store` is online and sent `heartbeat` at `when` (record_heartbeat's write)."""
    Store.objects.filter(pk=store.pk).update(
        online=True, last_heartbeat_at=when, last_heartbeat=clean_heartbeat(heartbeat)
    )


def drop(store: Store) -> None:
    """The store's tunnel closed cleanly (mark_disconnected's write)."""
    Store.objects.filter(pk=store.pk).update(online=False, tunnel_channel="")


def incidents(problem: str | None = None) -> list[Incident]:
    rows = Incident.objects.order_by("opened_at", "id")
    return list(rows.filter(problem=problem) if problem else rows)


def notices(incident: Incident | None = None) -> list[str]:
    rows = Notice.objects.order_by("id")
    if incident is not None:
        rows = rows.filter(incident=incident)
    return [n.event for n in rows]
