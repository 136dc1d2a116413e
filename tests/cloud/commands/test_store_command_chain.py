from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from cloud.commands.models import StoreCommand
from cloud.stores.services import register_store

from ..conftest import raw_token_client
from .conftest import answer, connected_store, next_frame, send_heartbeat

CHAIN = "/api/v1/store-commands/"


def test_it_queues_one_command_per_store_for_every_store(ops_api, store_key):
    register_store(code="store-002", name="Two")

    response = ops_api.post(CHAIN, {"name": "fleet.summary"}, format="json")

    assert response.status_code == 202
    assert [c["store"] for c in response.json()] == ["store-001", "store-002"]
    assert len({c["id"] for c in response.json()}) == 2
    assert StoreCommand.objects.filter(name="fleet.summary", state="pending").count() == 2


def test_it_queues_only_for_the_stores_listed(ops_api, store_key):
    register_store(code="store-002", name="Two")

    response = ops_api.post(CHAIN, {"name": "ping", "stores": ["store-002"]}, format="json")

    assert [c["store"] for c in response.json()] == ["store-002"]


def test_it_refuses_unknown_stores_or_names_and_queues_nothing(ops_api, store_key):
    unknown_store = ops_api.post(
        CHAIN, {"name": "ping", "stores": ["store-001", "nope"]}, format="json"
    )
    unknown_name = ops_api.post(CHAIN, {"name": "reboot"}, format="json")

    assert unknown_store.status_code == 404
    assert unknown_store.json() == {"error": "not_found", "detail": "no such stores: nope"}
    assert unknown_name.status_code == 400 and "reboot" in unknown_name.json()["fields"]["name"][0]
    assert not StoreCommand.objects.exists()


def test_it_lets_only_ops_send_to_the_chain(db, client, store_key):
    reader = get_user_model().objects.create_user("reader", is_staff=True)

    assert client.post(CHAIN, {"name": "ping"}, content_type="application/json").status_code == 401
    assert (
        raw_token_client(reader, "read").post(CHAIN, {"name": "ping"}, format="json").status_code
        == 403
    )
    assert not StoreCommand.objects.exists()


def test_it_sends_a_chain_command_at_once_to_a_connected_store(
    transactional_db, store_key, ops_api
):
    async def scenario():
        comm = await connected_store(store_key)
        queued = (await sync_to_async(ops_api.post)(CHAIN, {"name": "ping"}, format="json")).json()
        frame = await next_frame(comm, "command")
        await answer(comm, frame["id"], "done", {"store": "store-001"})
        await send_heartbeat(comm)  # answered after the ack: the ack was handled by then
        await comm.disconnect()
        return queued, frame

    [queued], frame = asyncio.run(scenario())

    assert frame["id"] == queued["id"]
    assert StoreCommand.objects.get(pk=queued["id"]).state == "done"
