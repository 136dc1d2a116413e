"""A store's answer cannot break the cloud: odd statuses and headers are cleaned, not a 500."""

from __future__ import annotations

import asyncio
import base64
import json

from channels.testing import HttpCommunicator

from cloud.asgi import application
from smartcart import tunnel_frames as frames
from tests.cloud.conftest import send_heartbeat, tunnel

from .conftest import response_of


def answer_with(head: dict, store_key: str, headers: dict) -> dict:
    """Ask store-001 for /api/v1/carts/ through the cloud's ASGI app (as daphne serves it) and
    let the test's store answer with `head`; the response as {status, headers, body}."""

    async def scenario():
        store = tunnel("store-001", store_key)
        await store.connect()
        await send_heartbeat(store)
        client = HttpCommunicator(
            application,
            "GET",
            "/remote/store-001/api/v1/carts/",
            headers=[(k.lower().encode(), v.encode()) for k, v in headers.items()],
        )
        asked = asyncio.create_task(response_of(client))
        request = json.loads(await store.receive_from(timeout=5))
        body = {"request": request["id"], "seq": 0, "final": True, **head}
        piece = frames.Frame(frames.HTTP_RESPONSE, f"{request['id']}.0", body)
        await store.send_to(text_data=piece.to_json())
        response = await asked
        await store.disconnect()
        return response

    return asyncio.run(scenario())


def test_it_turns_a_status_out_of_range_into_502(transactional_db, store_key, granted, settings):
    response = answer_with(
        {"status": 999, "headers": [], "data": base64.b64encode(b"odd").decode()},
        store_key,
        granted,
    )

    assert response["status"] == 502
    assert response["body"] == b"odd"


def test_it_leaves_out_headers_that_could_split_the_response(transactional_db, store_key, granted):
    headers = [
        ["X-Fine", "yes"],
        ["X-Split", "a\r\nSet-Cookie: session=stolen"],
        ["Bad Name", "x"],
        ["Set-Cookie", "onprem=1"],
        ["X-Not-A-Pair"],
    ]
    response = answer_with(
        {"status": 200, "headers": headers, "data": base64.b64encode(b"[]").decode()},
        store_key,
        granted,
    )

    sent = {name.decode().lower(): value.decode() for name, value in response["headers"]}
    assert response["status"] == 200 and response["body"] == b"[]"
    assert sent["x-fine"] == "yes"
    assert "x-split" not in sent and "set-cookie" not in sent and "bad name" not in sent
