from __future__ import annotations

import asyncio
import time

from .conftest import close_code, send_heartbeat, tunnel

CLOSES = 20


def test_every_tunnel_consumer_ends_when_its_socket_closes(transactional_db, store_key):
    # A consumer waits on the channel layer (a blocking pop on Redis in production); when the
    # socket closes, that wait is cancelled. If the cancel were lost, the consumer would poll
    # Redis forever: one leaked task and connection per store reconnect.
    async def one_tunnel(key: str) -> float:
        comm = tunnel("store-001", key)
        await comm.connect()
        if key == store_key:
            await send_heartbeat(comm)
        else:
            await close_code(comm)
        started = time.monotonic()
        await comm.send_input({"type": "websocket.disconnect", "code": 1000})
        done, _ = await asyncio.wait([comm.future], timeout=3)
        if not done:
            comm.future.cancel()
        return time.monotonic() - started

    async def scenario() -> list[float]:
        return [await one_tunnel(key) for key in [store_key, "wrong-key-wrong-key"] * (CLOSES // 2)]

    durations = asyncio.run(scenario())

    assert max(durations) < 1.0, f"slowest consumer took {max(durations):.1f} s to end"
