from __future__ import annotations

from django.contrib.auth import get_user_model

from .conftest import heartbeat_body, raw_token_client, seen


def test_it_asks_for_credentials_without_a_token(db, client):
    response = client.get("/api/v1/stores/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_it_refuses_a_token_without_the_ops_scope(db):
    # issue_token hands out only configured scopes; an older or foreign token row may hold others.
    reader = get_user_model().objects.create_user("reader", is_staff=True)
    response = raw_token_client(reader, "read").get("/api/v1/stores/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Token lacks scope: needs one of ops."


def test_it_lists_stores_with_online_and_last_heartbeat(
    ops_api, store_key, django_assert_max_num_queries
):
    seen("store-002", 3, body=heartbeat_body(status="degraded", online=1))

    with django_assert_max_num_queries(4):
        response = ops_api.get("/api/v1/stores/")

    rows = {row["code"]: row for row in response.json()["results"]}
    assert response.status_code == 200 and set(rows) == {"store-001", "store-002"}
    assert rows["store-001"]["online"] is False and rows["store-001"]["last_heartbeat_at"] is None
    assert rows["store-001"]["heartbeat"] == {}
    assert rows["store-002"]["online"] is True and rows["store-002"]["last_heartbeat_at"]
    assert rows["store-002"]["heartbeat"] == {
        "status": "degraded",
        "components": {"database": True, "ingest": True},
        "ingest_lag_ms": 42.0,
        "carts": {"total": 4, "online": 1, "offline": 3, "low_battery": 1, "fault": 0, "docked": 2},
        "racks": {"total": 1, "online": 1, "offline": 0},
        "sent_at": None,
    }


def test_it_shows_one_store_with_its_full_last_heartbeat(ops_api, store_key):
    seen("store-001", 2)

    body = ops_api.get("/api/v1/stores/store-001/").json()

    assert body["online"] is True and body["connected"] is False
    assert body["last_heartbeat"]["components"]["ingest"]["lag_ms"] == 42.0
    assert ops_api.get("/api/v1/stores/store-404/").status_code == 404


def test_it_lets_a_staff_session_in_but_not_a_plain_user(db, client, store_key):
    User = get_user_model()
    alice = User.objects.create_user("alice", password="pw-alice-123", is_staff=True)
    bob = User.objects.create_user("bob", password="pw-bob-12345")

    client.force_login(bob)
    assert client.get("/api/v1/stores/").status_code == 403
    client.force_login(alice)
    assert client.get("/api/v1/stores/").json()["count"] == 1
