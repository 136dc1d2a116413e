from __future__ import annotations

import asyncio

from cloud.stores.models import Store

from .conftest import heartbeat_body, send_heartbeat, tunnel


def test_it_records_a_heartbeat_and_acks_it(transactional_db, store_key):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        result = await send_heartbeat(comm, heartbeat_body(status="degraded", online=2))
        store = await Store.objects.aget(code="store-001")
        await comm.disconnect()
        return result, store

    (frame_id, answer), store = asyncio.run(scenario())

    assert answer == {"v": 1, "type": "ack", "id": frame_id, "body": {}}
    assert store.online is True and store.last_heartbeat_at is not None
    assert store.last_heartbeat["status"] == "degraded"
    assert store.last_heartbeat["fleet"]["carts"]["online"] == 2
    assert store.last_heartbeat["sent_at"].endswith("Z")


def test_it_answers_a_heartbeat_without_fleet_with_an_error(transactional_db, store_key):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        result = await send_heartbeat(comm, {"status": "ok", "components": {}})
        await comm.disconnect()
        return result

    frame_id, answer = asyncio.run(scenario())

    assert answer["type"] == "error" and answer["id"] == frame_id
    assert answer["body"] == {
        "code": "bad_heartbeat",
        "message": "bad heartbeat: body.fleet is missing",
    }
    assert Store.objects.get(code="store-001").online is False
