"""A problem must stay bad for the grace period before an incident opens."""

from __future__ import annotations

from cloud.incidents.models import ProblemState
from cloud.incidents.services import sweep

from .conftest import at, beat, body, broken, incidents, notices


def test_it_opens_only_after_the_grace_period(store, webhook):
    for second in (0, 10, 20, 30, 40, 50, 59):
        beat(store, broken("ingest", "no heartbeat from ingest for 45 s"), at(second))
        sweep(now=at(second))
        assert incidents() == [], f"opened at {second} s, inside the 60 s grace"
    assert ProblemState.objects.get(problem="component:ingest").status == "pending"

    beat(store, broken("ingest", "no heartbeat from ingest for 45 s"), at(60))
    summary = sweep(now=at(60))

    [incident] = incidents()
    assert summary["opened"] == 1
    assert (incident.problem, incident.state, incident.severity) == (
        "component:ingest",
        "open",
        "critical",
    )
    assert incident.title == "store-001: ingest not ok"
    assert incident.detail == "no heartbeat from ingest for 45 s"
    assert incident.opened_at == at(60)
    assert notices(incident) == ["opened"]


def test_it_opens_nothing_for_an_outage_shorter_than_the_grace(store, webhook):
    beat(store, broken("broker", "connection refused"), at(0))
    sweep(now=at(0))
    beat(store, body(), at(40))
    sweep(now=at(40))
    beat(store, body(), at(120))
    sweep(now=at(120))

    assert incidents() == []
    assert notices() == []
    assert ProblemState.objects.get(problem="component:broker").status == "ok"


def test_it_opens_at_once_with_no_grace(store, settings):
    settings.INCIDENT_GRACE_SECONDS = 0
    beat(store, broken("database", "OperationalError: gone away"), at(0))

    sweep(now=at(0))

    [incident] = incidents()
    assert incident.problem == "component:database"
