"""The uplink against a cloud that sends garbage: it answers, logs, and keeps its tunnel.

The stand-in cloud is a real WebSocket server on a free port: the real cloud never sends
these frames, which is the point.
"""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from onprem.uplink.client import Backoff, Uplink
from smartcart import tunnel_frames as frames

HOSTILE = [
    ("not json {", "bad_frame"),
    ("[" * 30_000 + "]" * 30_000, "bad_frame"),
    (b"\x00\xff binary", "bad_frame"),
    ('{"v":1,"type":"ack","id":"a","body":{"x":NaN}}', "bad_frame"),
    (json.dumps({"v": 1, "type": "reboot", "id": "r-1", "body": {}}), "unknown_type"),
    (json.dumps({"v": 1, "type": "ack", "id": "p", "body": {"p": "x" * 300_000}}), "too_large"),
]


async def cloud_stand_in(connections: list[list], uplink: Uplink, ws) -> None:
    seen = []
    connections.append(seen)
    heartbeat = json.loads(await ws.recv())
    await ws.send(frames.ack(heartbeat["id"]).to_json())
    if len(connections) > 1:  # the uplink came back after the oversized message
        uplink.stopping.set()
        return
    for message, _ in HOSTILE:
        await ws.send(message)
        seen.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
    try:
        await ws.send("x" * (2 * 2**20))  # past the uplink's 1 MiB message limit
        await asyncio.wait_for(ws.recv(), 5)
    except ConnectionClosed as exc:
        seen.append(exc.rcvd.code if exc.rcvd else None)


def test_it_answers_hostile_cloud_frames_and_keeps_or_restores_its_tunnel(caplog):
    connections: list[list] = []

    async def scenario():
        async def heartbeat() -> dict:
            return {"status": "ok", "components": {}, "fleet": {"error": "test"}}

        uplink = Uplink(
            url="",
            store="store-001",
            key="k",
            heartbeat_seconds=60,
            build_heartbeat=heartbeat,
            backoff=Backoff(base=0.1, cap=0.1),
        )
        async with serve(
            lambda ws: cloud_stand_in(connections, uplink, ws), "127.0.0.1", 0, max_size=None
        ) as server:
            uplink.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws/tunnel/v1/"
            await asyncio.wait_for(uplink.run(), 20)

    asyncio.run(scenario())

    first, second = connections
    answers, closed_with = first[:-1], first[-1]
    assert [(a["type"], a["body"]["code"]) for a in answers] == [
        ("error", code) for _, code in HOSTILE
    ]
    assert answers[4]["id"] == "r-1"
    assert closed_with == 1009  # message too big: the uplink closed, then reconnected
    assert second == []
    assert "uplink got a bad frame from the cloud: bad_frame" in caplog.text
