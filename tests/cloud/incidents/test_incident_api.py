"""GET /api/v1/incidents/ (filters, newest first), one incident with its events, a store's."""

from __future__ import annotations

import pytest

from cloud.incidents.services import sweep
from cloud.stores.services import register_store

from .conftest import at, beat, body, broken, drop


@pytest.fixture
def history(store, settings):
    """store-001: ingest opened and resolved, then cache open; store-002: offline (uplink)."""
    settings.INCIDENT_GRACE_SECONDS = 0
    settings.INCIDENT_RECOVERY_SECONDS = 0
    other = register_store(code="store-002", name="Store two")[0]
    beat(other, {**body(), "store": "store-002"}, at(0))
    drop(other)
    for second, heartbeat in [(0, broken("ingest")), (10, body()), (20, body())]:
        beat(store, heartbeat, at(second))
        sweep(now=at(second))
    beat(store, broken("cache", "Redis refused"), at(30))
    sweep(now=at(30))


def test_it_lists_incidents_newest_first(ops_api, history):
    page = ops_api.get("/api/v1/incidents/").json()

    assert page["count"] == 3
    assert [(i["store"], i["problem"], i["state"]) for i in page["results"]] == [
        ("store-001", "component:cache", "open"),
        ("store-002", "component:uplink", "open"),  # opened at the same time, after ingest
        ("store-001", "component:ingest", "resolved"),
    ]
    assert page["results"][0]["detail"] == "Redis refused"


@pytest.mark.parametrize(
    ("query", "problems"),
    [
        ("store=store-002", ["component:uplink"]),
        ("state=resolved", ["component:ingest"]),
        ("severity=warning", ["component:cache"]),
        ("problem=component:ingest", ["component:ingest"]),
        ("store=store-001&state=open", ["component:cache"]),
        ("store=store-404", []),
    ],
)
def test_it_filters(ops_api, history, query, problems):
    page = ops_api.get(f"/api/v1/incidents/?{query}").json()

    assert [i["problem"] for i in page["results"]] == problems


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("state=closed", "state", "'closed' is not one of open, resolved."),
        ("severity=bad", "severity", "'bad' is not one of critical, warning, info."),
        ("problem=component:toaster", "problem", "'component:toaster' is not one of"),
        ("state=open&state=resolved", "state", "Give this parameter once."),
    ],
)
def test_it_refuses_a_bad_filter_with_a_sentence(ops_api, history, query, field, message):
    response = ops_api.get(f"/api/v1/incidents/?{query}")

    assert response.status_code == 400
    assert response.json()["fields"][field][0].startswith(message)


def test_one_incident_comes_with_its_events(ops_api, history):
    [ingest] = ops_api.get("/api/v1/incidents/?problem=component:ingest").json()["results"]

    incident = ops_api.get(f"/api/v1/incidents/{ingest['id']}/").json()

    assert incident["state"] == "resolved" and incident["resolved_at"]
    assert [e["kind"] for e in incident["events"]] == ["opened", "good", "resolved"]


def test_an_unknown_incident_is_a_404_in_the_api_shape(ops_api, history):
    response = ops_api.get("/api/v1/incidents/999999/")

    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_a_store_lists_its_own_history(ops_api, history):
    page = ops_api.get("/api/v1/stores/store-001/incidents/").json()

    assert [i["problem"] for i in page["results"]] == ["component:cache", "component:ingest"]
    assert [e["kind"] for e in page["results"][1]["events"]] == ["opened", "good", "resolved"]
    assert ops_api.get("/api/v1/stores/store-404/incidents/").status_code == 404
