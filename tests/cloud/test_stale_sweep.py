from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cloud.stores.models import Store
from cloud.stores.services import mark_stale_stores_offline
from cloud.stores.tasks import mark_stale_stores_offline as sweep_task

from .conftest import seen


@pytest.fixture
def stores(settings):
    """Three online stores, heard from 5 s, 45 s and an hour ago (the test picks db or transactional_db)."""
    settings.STORE_OFFLINE_AFTER_SECONDS = 30
    seen("store-fresh", 5)
    seen("store-silent", 45)
    seen("store-long-gone", 3600)


def online_codes() -> list[str]:
    return list(Store.objects.filter(online=True).values_list("code", flat=True))


def test_it_takes_offline_only_stores_whose_heartbeats_stopped(db, stores):
    assert sorted(mark_stale_stores_offline()) == ["store-long-gone", "store-silent"]
    assert online_codes() == ["store-fresh"]


def test_it_marks_each_store_once_when_two_sweeps_run_at_once(transactional_db, stores):
    # The beat task and a monitor (or two monitors) sweeping together: the conditional UPDATE
    # gives each store to exactly one of them.
    start = threading.Barrier(2)
    results: list[list[str]] = []

    def sweep(run) -> None:
        start.wait()
        try:
            results.append(run())
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sweep, args=(mark_stale_stores_offline,)),
        threading.Thread(target=sweep, args=(lambda: sweep_task.delay().get(),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results[0] + results[1]) == ["store-long-gone", "store-silent"]


def test_it_sweeps_from_the_monitor_command(transactional_db, stores, capsys):
    # transactional: the command closes stale connections, which a test transaction cannot survive
    call_command("monitor", "--once")

    assert capsys.readouterr().out.strip() == "offline: store-long-gone, store-silent"
    assert online_codes() == ["store-fresh"]


def test_it_refuses_a_monitor_interval_of_zero(db):
    with pytest.raises(CommandError, match="--interval must be above 0"):
        call_command("monitor", "--interval", "0")


def test_it_schedules_the_sweep_every_ten_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["mark-stale-stores-offline"]

    assert entry == {"task": "cloud.stores.tasks.mark_stale_stores_offline", "schedule": 10.0}
    assert sweep_task.name == entry["task"]
