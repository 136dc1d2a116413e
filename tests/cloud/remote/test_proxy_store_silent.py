"""A store whose tunnel is open but which never answers: 504, and the store is told to stop."""

from __future__ import annotations

import asyncio
import json

from channels.testing import HttpCommunicator

from cloud.asgi import application
from cloud.remote.models import RemoteRequest
from smartcart import tunnel_frames as frames
from tests.cloud.conftest import send_heartbeat, tunnel

from .conftest import response_of


def test_it_answers_504_and_cancels_the_request_at_the_store(
    transactional_db, store_key, granted, settings
):
    settings.REMOTE_TIMEOUT_SECONDS = 1

    async def scenario():
        store = tunnel("store-001", store_key)
        await store.connect()
        await send_heartbeat(store)
        client = HttpCommunicator(
            application,
            "GET",
            "/remote/store-001/api/v1/carts/?limit=5",
            headers=[(b"authorization", granted["Authorization"].encode())],
        )
        answer = asyncio.create_task(response_of(client))
        request = json.loads(await store.receive_from(timeout=5))
        cancel = json.loads(await store.receive_from(timeout=5))
        result = await answer
        await store.disconnect()
        return request, cancel, result

    request, cancel, answer = asyncio.run(scenario())

    assert request["type"] == frames.HTTP_REQUEST
    assert {k: request["body"][k] for k in ("target", "method", "path", "query", "user")} == {
        "target": "onprem",
        "method": "GET",
        "path": "/api/v1/carts/",
        "query": "limit=5",
        "user": "ops-granted",
    }
    assert not any(name.lower() == "authorization" for name, _ in request["body"]["headers"])
    assert cancel["type"] == frames.HTTP_CANCEL
    assert cancel["body"] == {"request": request["id"]}
    assert answer["status"] == 504
    assert json.loads(answer["body"])["detail"] == "Store store-001 did not answer in time."
    assert RemoteRequest.objects.get().status == 504
