from __future__ import annotations

import asyncio

from .conftest import send_heartbeat, tunnel


def test_it_shows_the_store_disconnected_after_the_server_cancels_its_tunnel(
    transactional_db, store_key, ops_api
):
    # Daphne cancels every consumer when it shuts down (and one that outlives its socket):
    # no websocket.disconnect reaches it, so only a finally can take the store offline.
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await send_heartbeat(comm)
        comm.future.cancel()
        await asyncio.wait([comm.future], timeout=5)

    asyncio.run(scenario())

    store = ops_api.get("/api/v1/stores/").json()["results"][0]
    assert (store["code"], store["connected"], store["online"]) == ("store-001", False, False)
    assert store["disconnected_at"] is not None
