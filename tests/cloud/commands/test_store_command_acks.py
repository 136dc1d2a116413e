from __future__ import annotations

import asyncio

import pytest

from cloud.commands.models import StoreCommand
from cloud.commands.services import record_store_ack, request_store_command
from cloud.stores.models import Store
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames

from .conftest import answer, connected_store, next_frame, send_heartbeat


@pytest.fixture
def command(store_key) -> StoreCommand:
    store = Store.objects.get(code="store-001")
    return request_store_command(store=store, name="ping", args={}, ttl_s=60, requested_by="ops")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "bad ack: body.state must be done or failed, not None"),
        (
            {"state": "running", "result": {}},
            "bad ack: body.state must be done or failed, not 'running'",
        ),
        ({"state": "done", "result": [1]}, "bad ack: body.result must be an object, not list"),
        (
            {"state": "done", "result": {}, "extra": 1},
            "bad ack: body.extra is not a field of an ack",
        ),
    ],
)
def test_it_answers_a_bad_ack_with_an_error_and_keeps_the_tunnel(
    transactional_db, store_key, command, body, message
):
    async def scenario():
        comm = await connected_store(store_key)
        await next_frame(comm, "command")
        await comm.send_to(text_data=frames.Frame(frames.ACK, command.pk, body).to_json())
        error = await next_frame(comm, "error")
        _, still_up = await send_heartbeat(comm)
        await comm.disconnect()
        return error, still_up

    error, still_up = asyncio.run(scenario())

    assert error["id"] == command.pk
    assert error["body"] == {"code": "bad_ack", "message": message}
    assert still_up["type"] == "ack"
    assert StoreCommand.objects.get(pk=command.pk).state == "sent"


def test_it_ignores_an_ack_from_another_store(transactional_db, command, caplog):
    other, key = register_store(code="store-002", name="Two")

    async def scenario():
        comm = await connected_store(key, code="store-002")
        await answer(comm, command.pk, "done", {"forged": True})
        _, reply = await send_heartbeat(
            comm, {"status": "ok", "components": {}, "fleet": {"error": "x"}}
        )
        await comm.disconnect()
        return reply

    assert asyncio.run(scenario())["type"] == "ack"
    assert StoreCommand.objects.get(pk=command.pk).state == "pending"
    assert (
        f"ack ignored store=store-002 id={command.pk}: the command is for store store-001"
        in caplog.text
    )


def test_it_ignores_an_ack_for_an_unknown_id(db, store_key, caplog):
    store = Store.objects.get(code="store-001")

    assert record_store_ack(store=store, command_id="nope", state="done", result={}) is False
    assert "ack ignored store=store-001 id=nope: no such command" in caplog.text


def test_it_records_an_answer_once_and_never_moves_back(db, command):
    store = command.store

    assert record_store_ack(
        store=store, command_id=command.pk, state="failed", result={"error": "x"}
    )
    assert not record_store_ack(
        store=store, command_id=command.pk, state="done", result={"late": 1}
    )
    row = StoreCommand.objects.get(pk=command.pk)
    assert row.state == "failed" and row.result == {"error": "x"}
