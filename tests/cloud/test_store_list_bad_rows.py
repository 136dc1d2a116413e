from __future__ import annotations

from .conftest import heartbeat_body, seen


def bad_row(**changes) -> dict:
    body = heartbeat_body()
    body.update(changes)
    return body


def test_it_lists_every_store_when_one_stored_heartbeat_has_a_bad_shape(ops_api, store_key):
    # Rows kept before heartbeats were checked field by field.
    seen("store-001", 2)
    seen("store-002", 2, body=bad_row(components={"ingest": "down"}))
    seen("store-003", 2, body=bad_row(fleet=[1, 2]))
    seen("store-004", 2, body=["not", "an", "object"])

    response = ops_api.get("/api/v1/stores/")

    assert response.status_code == 200
    rows = {row["code"]: row["heartbeat"] for row in response.json()["results"]}
    assert rows["store-001"]["status"] == "ok"
    assert rows["store-002"] == {
        "error": "the stored heartbeat cannot be read: "
        "bad heartbeat: body.components.ingest must be an object, not str"
    }
    assert rows["store-003"]["error"].endswith("body.fleet must be an object, not list")
    assert rows["store-004"]["error"].endswith("body must be an object, not list")


def test_it_shows_a_store_whose_stored_heartbeat_has_a_bad_shape(ops_api, store_key):
    seen("store-001", 2, body=bad_row(components={"ingest": "down"}))

    response = ops_api.get("/api/v1/stores/store-001/")

    assert response.status_code == 200
    assert response.json()["last_heartbeat"] == {}
    assert response.json()["heartbeat"]["error"].startswith("the stored heartbeat cannot be read")
