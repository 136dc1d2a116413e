"""A problem flapping bad↔good gives one incident, marked flapping, and few notices."""

from __future__ import annotations

from cloud.incidents.services import sweep

from .conftest import at, beat, body, broken, drop, incidents, notices


def uplink_flaps(store, times: int, period: float = 15, outage: float = 6) -> float:
    """Stop and start the store's uplink `times` times, sweeping every 2 s; the end time."""
    second = 0.0
    end = times * period
    while second < end:
        phase = second % period
        if phase < outage:
            drop(store)
        else:
            beat(store, body(), at(second))
        sweep(now=at(second))
        second += 2
    return end


def test_eight_uplink_flaps_in_two_minutes_give_one_flapping_incident(store, webhook):
    beat(store, body(), at(-10))
    uplink_flaps(store, 8)

    [incident] = incidents()
    assert incident.problem == "component:uplink" and incident.flapping
    assert incident.severity == "critical"
    assert incident.flips >= 10
    assert notices(incident) == ["opened"]
    kinds = [e.kind for e in incident.events.all()]
    assert kinds[:2] == ["opened", "flapping"] and kinds.count("bad") == 5


def test_a_flapping_incident_resolves_only_after_the_quiet_time(store, webhook):
    beat(store, body(), at(-10))
    end = uplink_flaps(store, 8)
    second = end
    while second < end + 299:
        beat(store, body(), at(second))
        sweep(now=at(second))
        second += 10
    assert incidents()[0].state == "open", "resolved before 300 s of quiet"

    beat(store, body(), at(end + 320))
    sweep(now=at(end + 320))

    [incident] = incidents()
    assert incident.state == "resolved"
    assert len(notices()) <= 3
    assert notices(incident) == ["opened", "resolved"]


def test_an_open_incident_that_starts_flapping_says_so_once(store, webhook):
    # Outages longer than the grace: opened the plain way, then flapping on the third onset.
    timeline = [(0, False), (60, False), (70, True), (80, False), (90, True), (100, False)]
    timeline += [(110, True), (120, False), (130, True)]
    for second, ok in timeline:
        beat(store, body() if ok else broken("broker"), at(second))
        sweep(now=at(second))

    [incident] = incidents()
    assert incident.flapping and incident.flips == 7
    assert notices(incident) == ["opened", "flapping"]
