"""The embedded default (in-memory channel layer): what another process sends to the store's
group (ingest, in a store) reaches this process's consumers through the relay socket."""

from __future__ import annotations

import os

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from onprem.dashboard.consumers import DashboardConsumer
from onprem.dashboard.relay import in_memory_layer
from tests.conftest import manage

from .conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

SEND = """
from onprem.dashboard.broadcast import send_to_store
send_to_store({"type": "store.delta", "delta": {"type": "delta", "carts": [{"id": "cart-009", "soc": 12.5}],
               "racks": [], "statuses": []}})
"""


def test_a_delta_sent_by_another_process_reaches_the_page(store_id):
    if not in_memory_layer():
        pytest.skip("with Redis every process reaches the group itself: no relay")
    staff = signed_in("maria", staff=True).user

    async def scenario():
        socket = WebsocketCommunicator(DashboardConsumer.as_asgi(), "/ws/dashboard/")
        socket.scope["user"] = staff
        await socket.connect()
        await socket.receive_json_from(timeout=5)  # the snapshot; the relay listens from now on
        await sync_to_thread(manage, "shell", "-c", SEND,
                             env={**os.environ, "SMARTCART_STORE_ID": store_id})
        delta = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return delta

    delta = async_to_sync(scenario)()

    assert delta["carts"] == [{"id": "cart-009", "soc": 12.5}]


async def sync_to_thread(function, *args, **kwargs):
    from asgiref.sync import sync_to_async

    return await sync_to_async(function, thread_sensitive=False)(*args, **kwargs)


def test_nothing_listening_drops_the_message_quietly(store_id):
    # Ingest runs before any web server: its deltas go nowhere, and ingest goes on.
    manage("shell", "-c", SEND, env={**os.environ, "SMARTCART_STORE_ID": store_id + "-none"})
