"""A store's heartbeat history: one sample per store and minute however often it beats, an
offline sample for a silent store, pruning after 14 days, and every minute in the chart's
window (a minute without a heartbeat reads offline)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloud.stores import history
from cloud.stores.models import HeartbeatSample, Store
from cloud.stores.services import register_store

from .conftest import heartbeat_body

T0 = datetime(2026, 11, 24, 9, 0, 5, tzinfo=UTC)


def body(online: int = 3, version: str = "0.2.0") -> dict:
    return {**heartbeat_body(online=online), "software": {"version": version, "protocol": 1}}


def test_it_writes_one_sample_per_store_and_minute(db):
    store = register_store(code="store-001", name="one")[0]

    with CaptureQueriesContext(connection) as queries:
        written = [
            history.record_sample(store, body(), T0 + timedelta(seconds=s))
            for s in range(0, 50, 10)
        ]

    assert written == [True, False, False, False, False]
    assert len([q for q in queries if "INSERT" in q["sql"]]) == 1
    assert history.record_sample(store, body(online=2), T0 + timedelta(minutes=1))
    rows = list(HeartbeatSample.objects.values_list("at", "carts_online", "version"))
    assert rows == [
        (T0.replace(second=0), 3, "0.2.0"),
        (T0.replace(second=0) + timedelta(minutes=1), 2, "0.2.0"),
    ]


def test_a_heartbeat_records_its_sample(db, store_key):
    from cloud.stores.services import record_heartbeat

    store = Store.objects.get(code="store-001")
    Store.objects.filter(pk=store.pk).update(tunnel_channel="chan-1")

    assert record_heartbeat(store=store, channel_name="chan-1", body=body())

    sample = HeartbeatSample.objects.get(store=store)
    assert (sample.online, sample.status, sample.components) == (
        True,
        "ok",
        {"database": True, "ingest": True},
    )


def test_a_history_failure_never_costs_the_heartbeat(db, store_key):
    store = Store.objects.get(code="store-001")
    # A count the column cannot hold makes the write fail at once on every database (a row for
    # a store that is gone would fail only at commit on SQLite, where foreign keys are deferred).
    broken = body()
    broken["fleet"]["carts"]["total"] = -1

    assert history.record_sample(store, broken, T0) is False
    assert not HeartbeatSample.objects.exists()


def test_it_marks_silent_stores_offline_each_minute(db):
    online = register_store(code="store-001", name="one")[0]
    silent = register_store(code="store-002", name="two")[0]
    Store.objects.filter(pk=online.pk).update(online=True)

    history.sweep(T0)
    history.sweep(T0 + timedelta(seconds=10))

    samples = HeartbeatSample.objects.values_list("store__code", "online")
    assert list(samples) == [("store-002", False)]
    assert history.history(silent, hours=1, now=T0)[0]["online"] is False


def test_it_prunes_samples_older_than_14_days(db):
    store = register_store(code="store-001", name="one")[0]
    history.record_sample(store, body(), T0 - timedelta(days=15))
    history.record_sample(store, body(), T0 - timedelta(days=13))

    assert history.prune(now=T0) == 1
    assert HeartbeatSample.objects.count() == 1


def test_it_fills_every_minute_of_the_window(db):
    store = register_store(code="store-001", name="one")[0]
    history.record_sample(store, body(online=1), T0 - timedelta(minutes=30))
    history.record_sample(store, body(online=4), T0 - timedelta(minutes=2))
    history.record_sample(store, body(), T0 - timedelta(hours=3))  # outside a 1 h window

    points = history.history(store, hours=1, now=T0)

    assert len(points) == 31
    assert points[0]["carts_online"] == 1
    assert [p["online"] for p in points[1:28]] == [False] * 27
    assert points[28]["carts_online"] == 4
