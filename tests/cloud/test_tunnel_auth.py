from __future__ import annotations

import asyncio

import pytest

from cloud.stores.models import Store

from .conftest import close_code, send_heartbeat, tunnel


def test_it_accepts_a_store_with_its_key(transactional_db, store_key):
    async def scenario():
        comm = tunnel("store-001", store_key)
        connected, _ = await comm.connect()
        _, answer = await send_heartbeat(comm)
        await comm.disconnect()
        return connected, answer

    connected, answer = asyncio.run(scenario())

    assert connected and answer["type"] == "ack"


@pytest.mark.parametrize(
    ("code", "key", "scheme"),
    [
        ("store-001", "wrong-key-wrong-key-wrong-key", "Bearer"),
        ("store-999", "RIGHT", "Bearer"),
        (None, None, "Bearer"),
        ("store-001", None, "Bearer"),
        ("store-001", "RIGHT", "Basic"),
    ],
    ids=["wrong-key", "unknown-store", "no-headers", "no-key", "not-bearer"],
)
def test_it_closes_with_4401_when_credentials_are_wrong(
    transactional_db, store_key, code, key, scheme
):
    key = store_key if key == "RIGHT" else key  # "RIGHT": store-001's own key

    async def scenario():
        comm = tunnel(code, key, scheme=scheme)
        await comm.connect()
        return await close_code(comm)

    assert asyncio.run(scenario()) == 4401
    assert Store.objects.get(code="store-001").tunnel_channel == ""
