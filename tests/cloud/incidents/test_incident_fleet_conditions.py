"""Each component not ok, and each fleet condition past its threshold, opens its incident."""

from __future__ import annotations

import pytest

from cloud.incidents.services import sweep

from .conftest import at, beat, body, broken, incidents, with_carts


@pytest.fixture(autouse=True)
def no_grace(settings):
    settings.INCIDENT_GRACE_SECONDS = 0


@pytest.mark.parametrize(
    ("component", "severity"),
    [
        ("database", "critical"),
        ("cache", "warning"),
        ("broker", "critical"),
        ("ingest", "critical"),
        ("erp", "warning"),
        ("cashless", "critical"),
        ("disk", "critical"),
    ],
)
def test_each_component_not_ok_opens_its_incident(store, component, severity):
    beat(store, broken(component, f"{component} says no"), at(0))

    sweep(now=at(0))

    [incident] = incidents()
    assert (incident.problem, incident.severity) == (f"component:{component}", severity)
    assert incident.detail == f"{component} says no"


@pytest.mark.parametrize(
    ("heartbeat", "problem", "title"),
    [
        (body(ingest={"lag_ms": 45000.0}), "fleet:ingest_lag", "store-001: ingest 45 s behind"),
        (
            with_carts(online=13, offline=7),
            "fleet:carts_offline",
            "store-001: 7 of 20 carts offline",
        ),
        (with_carts(fault=5), "fleet:faults", "store-001: 5 carts in fault"),
        (body(disk={"free_pct": 12.5}), "fleet:disk_filling", "store-001: disk 12 % free"),
    ],
)
def test_each_fleet_condition_past_its_threshold_opens(store, heartbeat, problem, title):
    beat(store, heartbeat, at(0))

    sweep(now=at(0))

    [incident] = incidents()
    assert (incident.problem, incident.severity, incident.title) == (problem, "warning", title)


@pytest.mark.parametrize(
    "heartbeat",
    [
        body(ingest={"lag_ms": 30000.0}),
        with_carts(online=14, offline=6),  # exactly 30 %: not above
        with_carts(fault=4),
        body(disk={"free_pct": 20.0}),
        with_carts(total=0, online=0, offline=0),
    ],
)
def test_nothing_opens_at_or_under_a_threshold(store, heartbeat):
    beat(store, heartbeat, at(0))

    sweep(now=at(0))

    assert incidents() == []


def dead(total: int) -> dict:
    return body(ingest={"dead_total": total})


def test_dead_letters_growing_opens_and_a_steady_count_resolves(store, settings):
    settings.INCIDENT_RECOVERY_SECONDS = 0
    # 40 new dead letters a minute: 100 within the 10 min window after about 2.5 min.
    for minute in range(0, 4):
        beat(store, dead(500 + 40 * minute), at(minute * 60))
        sweep(now=at(minute * 60))

    [incident] = incidents("fleet:dead_letters")
    assert incident.state == "open"
    assert incident.data["growth"] == 120

    # No new dead letters: once the growth falls out of the 10 min window, it resolves.
    for minute in range(4, 16):
        beat(store, dead(620), at(minute * 60))
        sweep(now=at(minute * 60))
    assert incidents("fleet:dead_letters")[0].state == "resolved"


def test_a_dead_letter_counter_that_starts_again_is_not_growth(store):
    beat(store, dead(5000), at(0))
    sweep(now=at(0))
    beat(store, dead(3), at(60))  # ingest restarted, its counter with it

    sweep(now=at(60))

    assert incidents() == []
