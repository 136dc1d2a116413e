"""The incident lists cost the same few queries however many incidents they show."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloud.incidents.models import Incident, IncidentEvent
from cloud.stores.models import Store
from cloud.stores.services import register_store

from .conftest import at

PATHS = ("/api/v1/incidents/", "/api/v1/stores/store-000/incidents/")


def add_incidents(count: int) -> None:
    """`count` more resolved incidents, each with two events, spread over stores 000-009."""
    for n in range(Incident.objects.count(), Incident.objects.count() + count):
        code = f"store-{n % 10:03}"
        store = Store.objects.filter(code=code).first() or register_store(code=code, name=code)[0]
        incident = Incident.objects.create(
            store=store,
            problem="component:ingest",
            severity="critical",
            state="resolved",
            title="t",
            opened_at=at(n),
        )
        IncidentEvent.objects.create(incident=incident, kind="opened", at=at(n))
        IncidentEvent.objects.create(incident=incident, kind="resolved", at=at(n + 1))


def queries(client) -> list[int]:
    counts = []
    for path in PATHS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured))
    return counts


def test_the_list_and_a_store_history_cost_the_same_for_two_or_forty(ops_api):
    add_incidents(2)
    few = queries(ops_api)
    add_incidents(38)

    assert queries(ops_api) == few
