from __future__ import annotations


def test_it_reports_each_component_without_auth(db, client):
    response = client.get("/healthz")

    body = response.json()
    assert set(body["components"]) == {"database", "cache", "broker", "ingest", "erp", "cashless", "disk"}
    assert body["components"]["database"]["ok"] is True
    # No ingest ran in this test: the page says so and the status is 503, not a lie.
    assert body["components"]["ingest"]["ok"] is False
    assert response.status_code == 503 and body["status"] == "degraded"
