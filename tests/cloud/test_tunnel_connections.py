from __future__ import annotations

import asyncio

from cloud.stores.models import Store
from cloud.stores.services import mark_connected, mark_disconnected, record_heartbeat

from .conftest import close_code, heartbeat_body, send_heartbeat, tunnel


def test_it_takes_the_store_offline_when_the_tunnel_closes_cleanly(transactional_db, store_key):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await send_heartbeat(comm)
        online = (await Store.objects.aget(code="store-001")).online
        await comm.disconnect()
        return online

    assert asyncio.run(scenario()) is True
    store = Store.objects.get(code="store-001")
    assert (
        store.online is False and store.disconnected_at is not None and store.tunnel_channel == ""
    )


def test_it_replaces_an_older_connection_of_the_same_store(transactional_db, store_key):
    async def scenario():
        older, newer = tunnel("store-001", store_key), tunnel("store-001", store_key)
        await older.connect()
        await send_heartbeat(older)
        await newer.connect()
        older_closed_with = await close_code(older)
        await older.disconnect()  # runs the older consumer's disconnect handler
        _, answer = await send_heartbeat(newer)
        store = await Store.objects.aget(code="store-001")
        await newer.disconnect()
        return older_closed_with, answer, store

    older_closed_with, answer, store_while_newer_open = asyncio.run(scenario())

    assert older_closed_with == 4409
    assert answer["type"] == "ack"
    # The older connection's close did not take the store offline: the newer one holds it.
    assert store_while_newer_open.online is True and store_while_newer_open.tunnel_channel != ""
    assert Store.objects.get(code="store-001").online is False


def test_it_ignores_heartbeats_and_closes_from_a_replaced_connection(db, store_key):
    store = Store.objects.get(code="store-001")
    mark_connected(store=store, channel_name="older")
    mark_connected(store=store, channel_name="newer")

    assert record_heartbeat(store=store, channel_name="older", body=heartbeat_body()) is False
    assert mark_disconnected(store=store, channel_name="older") is False
    assert Store.objects.get(code="store-001").online is False
    assert record_heartbeat(store=store, channel_name="newer", body=heartbeat_body()) is True
    assert Store.objects.get(code="store-001").tunnel_channel == "newer"
