"""Frames past daphne's own limit never reach the consumer: the socket is closed under it."""

from __future__ import annotations

import asyncio
import json
import os
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from smartcart import tunnel_frames as frames
from tests.conftest import manage, serve_daphne

from .conftest import heartbeat_body

STORE_KEY = "huge-frame-store-key-0123456789abcdef"


@pytest.fixture
def daphne_cloud(tmp_path):
    """A real cloud under daphne (its default 1 MiB WebSocket message limit), own SQLite."""
    env = {
        **os.environ,
        "SMARTCART_DEMO": "1",
        "SMARTCART_VAR_DIR": str(tmp_path),
        "SMARTCART_CLOUD_DB_URL": f"sqlite:///{tmp_path}/cloud.sqlite3",
    }
    manage("migrate", "--verbosity", "0", env=env)
    demo = json.loads(
        manage("bootstrap_demo", "--store", "store-001", f"--key={STORE_KEY}", env=env)
    )
    server, port = serve_daphne("cloud.asgi:application", env)
    try:
        yield {"port": port, "token": demo["ops_token"]}
    finally:
        server.terminate()
        server.wait(20)


def store_row(cloud: dict) -> dict:
    headers = {"Authorization": f"Bearer {cloud['token']}"}
    url = f"http://127.0.0.1:{cloud['port']}/api/v1/stores/store-001/"
    return httpx.get(url, headers=headers, timeout=5).json()


async def exchange(url: str, *texts: str) -> tuple[list[dict], bool]:
    """Send a heartbeat, then each text; the answers, and whether the cloud ended the socket."""
    headers = {"X-SmartCart-Store": "store-001", "Authorization": f"Bearer {STORE_KEY}"}
    answers = []
    async with connect(url, additional_headers=headers, max_size=None) as ws:
        try:
            for text in (frames.heartbeat(heartbeat_body()).to_json(), *texts):
                await ws.send(text)
                answers.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        except ConnectionClosed:
            return answers, True
    return answers, False


def test_it_answers_too_large_or_ends_the_tunnel_cleanly_for_a_huge_frame(daphne_cloud):
    url = f"ws://127.0.0.1:{daphne_cloud['port']}/ws/tunnel/v1/"
    over_limit = json.dumps(
        {"v": 1, "type": "heartbeat", "id": "big", "body": {"p": "x" * 300_000}}
    )
    ten_mb = json.dumps({"v": 1, "type": "heartbeat", "id": "huge", "body": {"p": "x" * 10**7}})

    answers, closed = asyncio.run(exchange(url, over_limit, ten_mb))

    assert [a["type"] for a in answers] == ["ack", "error"]
    assert answers[1]["body"]["code"] == "too_large"
    # Autobahn (under daphne) drops a socket whose message passes its 1 MiB limit: no answer
    # can be sent, but the consumer's disconnect path runs.
    assert closed is True
    deadline = time.monotonic() + 5
    while (row := store_row(daphne_cloud))["connected"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (row["connected"], row["online"]) == (False, False)
