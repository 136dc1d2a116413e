"""Two monitors sweeping at once open each incident once and announce it once."""

from __future__ import annotations

import threading

from django.db import connection

from cloud.incidents.services import sweep
from cloud.notifications.models import Notice
from cloud.stores.services import register_store

from .conftest import at, beat, broken, incidents


def test_two_sweeps_at_once_do_not_double_open(transactional_db, rules, webhook):
    rules.INCIDENT_GRACE_SECONDS = 0
    stores = [register_store(code=f"store-{n:03}", name=f"S{n}")[0] for n in range(20)]
    for store in stores:
        beat(store, {**broken("ingest"), "store": store.code}, at(0))
    start, results = threading.Barrier(2), []

    def monitor():
        start.wait()
        try:
            results.append(sweep(now=at(0)))
        finally:
            connection.close()

    threads = [threading.Thread(target=monitor) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(incidents("component:ingest")) == 20
    assert sum(r["opened"] for r in results) == 20
    assert Notice.objects.filter(event="opened").count() == 20
