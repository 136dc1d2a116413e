from __future__ import annotations

from django.contrib.auth import get_user_model

from ..conftest import raw_token_client

COMMANDS = "/api/v1/stores/store-001/commands/"
PING = {"name": "ping", "args": {}}


def test_it_asks_for_credentials_without_a_token(db, client, store_key):
    assert client.post(COMMANDS, PING, content_type="application/json").status_code == 401
    assert client.get(COMMANDS).status_code == 401
    assert client.get("/api/v1/store-commands/abc/").status_code == 401


def test_it_refuses_a_token_without_the_ops_scope(db, store_key):
    reader = get_user_model().objects.create_user("reader", is_staff=True)
    api = raw_token_client(reader, "read")

    response = api.post(COMMANDS, PING, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Token lacks scope: needs one of ops."
    assert api.get(COMMANDS).status_code == 403


def test_it_queues_a_command_for_ops_and_shows_it(ops_api, store_key):
    response = ops_api.post(COMMANDS, {**PING, "ttl_s": 60}, format="json")

    command = response.json()
    assert response.status_code == 202
    assert command["store"] == "store-001" and command["name"] == "ping"
    assert command["state"] == "pending" and command["requested_by"] == "ops"
    assert ops_api.get(f"/api/v1/store-commands/{command['id']}/").json() == command
    listed = ops_api.get(COMMANDS).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == command["id"]


def test_it_answers_404_for_an_unknown_store_or_command(ops_api, store_key):
    assert (
        ops_api.post("/api/v1/stores/store-404/commands/", PING, format="json").status_code == 404
    )
    assert ops_api.get("/api/v1/stores/store-404/commands/").status_code == 404
    assert ops_api.get("/api/v1/store-commands/nope/").status_code == 404
