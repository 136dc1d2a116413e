from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async

from cloud.commands.models import StoreCommand

from .conftest import answer, connected_store, next_frame, post_command, send_heartbeat


def test_it_delivers_a_command_queued_while_offline_when_the_store_connects(
    transactional_db, store_key, ops_api
):
    async def scenario():
        queued = (await post_command(ops_api, "fleet.summary")).json()
        comm = await connected_store(store_key)
        frame = await next_frame(comm, "command")
        await answer(comm, frame["id"], "done", {"carts": {"total": 4}})
        await send_heartbeat(comm)  # answered after the ack: the ack was handled by then
        shown = (await sync_to_async(ops_api.get)(f"/api/v1/store-commands/{queued['id']}/")).json()
        await comm.disconnect()
        return queued, frame, shown

    queued, frame, shown = asyncio.run(scenario())

    assert queued["state"] == "pending"
    assert frame["id"] == queued["id"]
    assert frame["body"]["name"] == "fleet.summary" and frame["body"]["args"] == {}
    assert frame["body"]["requested_by"] == "ops" and frame["body"]["expires_at"].endswith("Z")
    assert shown["state"] == "done" and shown["result"] == {"carts": {"total": 4}}
    assert shown["attempts"] == 1 and shown["acked_at"] and shown["finished_at"]


def test_it_sends_a_command_at_once_to_a_connected_store(transactional_db, store_key, ops_api):
    async def scenario():
        comm = await connected_store(store_key)
        await send_heartbeat(comm)
        queued = (await post_command(ops_api, "ping")).json()
        frame = await next_frame(comm, "command")
        await comm.disconnect()
        return queued, frame

    queued, frame = asyncio.run(scenario())

    assert frame["id"] == queued["id"] and frame["body"]["name"] == "ping"
    assert StoreCommand.objects.get(pk=queued["id"]).state == "sent"


def test_it_sends_an_unacked_command_again_after_a_reconnect(transactional_db, store_key, ops_api):
    async def scenario():
        queued = (await post_command(ops_api, "ping")).json()
        first = await connected_store(store_key)
        await next_frame(first, "command")
        await first.disconnect()  # the tunnel drops before the store's ack
        second = await connected_store(store_key)
        again = await next_frame(second, "command")
        await answer(second, again["id"], "done", {"store": "store-001"})
        await send_heartbeat(second)
        await second.disconnect()
        return queued, again

    queued, again = asyncio.run(scenario())

    command = StoreCommand.objects.get(pk=queued["id"])
    assert again["id"] == queued["id"]
    assert command.attempts == 2 and command.state == "done"


def test_it_sends_only_commands_still_waiting_for_an_answer(transactional_db, store_key, ops_api):
    async def scenario():
        done = (await post_command(ops_api, "ping")).json()
        comm = await connected_store(store_key)
        await answer(comm, (await next_frame(comm, "command"))["id"], "done", {})
        await send_heartbeat(comm)
        await comm.disconnect()
        comm = await connected_store(store_key)
        _, reply = await send_heartbeat(comm)
        quiet = await comm.receive_nothing(timeout=0.5)
        await comm.disconnect()
        return done, reply, quiet

    done, reply, quiet = asyncio.run(scenario())

    assert reply["type"] == "ack" and quiet is True  # no command came down again
    assert StoreCommand.objects.get(pk=done["id"]).attempts == 1
