from __future__ import annotations

import asyncio
import os

import pytest

from .conftest import send_heartbeat, tunnel


@pytest.mark.skipif(
    not os.environ.get("SMARTCART_REDIS_URL"), reason="the in-memory channel layer has no socket"
)
def test_it_keeps_a_tunnel_whose_channel_layer_stays_idle(transactional_db, store_key, ops_api):
    # The consumer blocks on the Redis layer in 5 s pops; a socket timeout no longer than that
    # ended every tunnel after 5 s of no cloud-side traffic.
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await send_heartbeat(comm)
        await asyncio.sleep(7)
        _, answer = await send_heartbeat(comm)
        await comm.disconnect()
        return answer

    assert asyncio.run(scenario())["type"] == "ack"
