"""An offline store opens component:uplink; its other readings are stale and not judged."""

from __future__ import annotations

from cloud.incidents.services import sweep

from .conftest import at, beat, body, broken, drop, incidents, notices


def test_a_closed_tunnel_opens_uplink_after_the_grace(store, webhook):
    beat(store, body(), at(0))
    drop(store)
    sweep(now=at(1))
    sweep(now=at(61))

    [incident] = incidents()
    assert incident.problem == "component:uplink" and incident.severity == "critical"
    assert incident.title == "store-001: offline"
    assert notices(incident) == ["opened"]


def test_silent_heartbeats_count_as_offline_before_the_stale_sweep(store):
    beat(store, body(), at(0))  # still online=True: nobody marked it stale yet

    sweep(now=at(31))
    sweep(now=at(91))

    assert [i.problem for i in incidents()] == ["component:uplink"]


def test_an_offline_store_keeps_its_other_incidents_as_they_were(store):
    for second in (0, 60):
        beat(store, broken("ingest"), at(second))
        sweep(now=at(second))
    # The heartbeat still held says ingest is down and the carts are fine; the store is gone.
    drop(store)
    for second in range(61, 400, 10):
        sweep(now=at(second))

    by_problem = {i.problem: i.state for i in incidents()}
    assert by_problem == {"component:ingest": "open", "component:uplink": "open"}


def test_coming_back_resolves_the_uplink(store, webhook):
    beat(store, body(), at(0))
    drop(store)
    sweep(now=at(1))
    sweep(now=at(61))
    for second in (70, 80, 90, 100):
        beat(store, body(), at(second))
        sweep(now=at(second))

    [incident] = incidents()
    assert incident.state == "resolved"
    assert notices(incident) == ["opened", "resolved"]


def test_a_store_that_never_sent_a_heartbeat_is_not_judged(store):
    sweep(now=at(0))
    sweep(now=at(3600))

    assert incidents() == []
