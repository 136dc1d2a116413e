"""One open incident per store and problem, however many sweeps see it bad."""

from __future__ import annotations

from cloud.incidents.services import sweep

from .conftest import at, beat, body, broken, incidents, notices


def test_it_keeps_one_incident_while_the_problem_lasts(store, webhook):
    for second in range(0, 600, 10):
        beat(store, broken("cache", "ConnectionError"), at(second))
        sweep(now=at(second))

    [incident] = incidents()
    assert incident.problem == "component:cache" and incident.severity == "warning"
    assert notices(incident) == ["opened"]
    assert [e.kind for e in incident.events.all()] == ["opened"]


def test_it_opens_a_second_incident_when_the_problem_comes_back_later(store, webhook):
    timeline = [(0, False), (60, False), (100, True), (140, True)]  # opened, then resolved
    timeline += [(2000, False), (2060, False)]  # back long after (outside the flap window)
    for second, ok in timeline:
        beat(store, body() if ok else broken("erp", "last stock sync failed"), at(second))
        sweep(now=at(second))

    first, second = incidents("component:erp")
    assert first.state == "resolved" and second.state == "open"
    assert not second.flapping
    assert notices() == ["opened", "resolved", "opened"]


def test_it_judges_each_store_apart(store, webhook):
    from cloud.stores.services import register_store

    other = register_store(code="store-002", name="Store two")[0]
    for second in (0, 60):
        beat(store, broken("ingest"), at(second))
        beat(other, {**broken("ingest"), "store": "store-002"}, at(second))
        sweep(now=at(second))

    assert sorted(i.store.code for i in incidents("component:ingest")) == ["store-001", "store-002"]
