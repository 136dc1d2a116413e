"""A recovered problem resolves its incident after it stayed good for the recovery time."""

from __future__ import annotations

from cloud.incidents.services import store_history, sweep

from .conftest import at, beat, body, broken, incidents, notices


def test_it_resolves_after_a_steady_good_spell(store, webhook):
    for second in (0, 60):
        beat(store, broken("ingest"), at(second))
        sweep(now=at(second))
    beat(store, body(), at(70))
    sweep(now=at(70))
    beat(store, body(), at(99))
    sweep(now=at(99))
    assert incidents()[0].state == "open", "resolved before 30 s of good"

    beat(store, body(), at(100))
    summary = sweep(now=at(100))

    [incident] = incidents()
    assert summary["resolved"] == 1
    assert incident.state == "resolved" and incident.resolved_at == at(100)
    assert [e.kind for e in incident.events.all()] == ["opened", "good", "resolved"]
    assert notices(incident) == ["opened", "resolved"]


def test_a_bad_spell_inside_the_recovery_time_keeps_it_open(store, webhook):
    for second, ok in [(0, False), (60, False), (70, True), (80, False), (90, False)]:
        beat(store, body() if ok else broken("ingest"), at(second))
        sweep(now=at(second))

    [incident] = incidents()
    assert incident.state == "open" and incident.flips == 2
    assert [e.kind for e in incident.events.all()] == ["opened", "good", "bad"]
    assert notices(incident) == ["opened"]


def test_the_store_history_lists_incidents_with_their_events(store, webhook):
    for second, ok in [(0, False), (60, False), (70, True), (100, True)]:
        beat(store, body() if ok else broken("cashless", "terminal unreachable"), at(second))
        sweep(now=at(second))

    [incident] = store_history(store)
    assert incident.problem == "component:cashless"
    assert [e.kind for e in incident.events.all()] == ["opened", "good", "resolved"]
