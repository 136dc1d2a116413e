"""A store whose rows cannot be judged is logged and reported; the sweep goes on."""

from __future__ import annotations

from cloud.incidents.services import sweep
from cloud.stores.models import Store
from cloud.stores.services import register_store

from .conftest import at, beat, broken, incidents


def test_it_goes_on_past_a_store_with_a_corrupt_heartbeat(store, settings, caplog):
    settings.INCIDENT_GRACE_SECONDS = 0
    corrupt = register_store(code="store-000", name="Corrupt")[0]
    Store.objects.filter(pk=corrupt.pk).update(
        online=True, last_heartbeat_at=at(0), last_heartbeat={"status": "fine", "components": 7}
    )
    beat(store, broken("broker"), at(0))

    summary = sweep(now=at(0))

    assert list(summary["errors"]) == ["store-000"]
    assert "bad heartbeat" in summary["errors"]["store-000"]
    assert summary["stores"] == 1
    assert [(i.store.code, i.problem) for i in incidents()] == [("store-001", "component:broker")]
    assert "incident sweep failed store=store-000" in caplog.text
