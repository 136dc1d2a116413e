"""The live page's WebSocket: staff only, a snapshot on connect, then each stored batch's delta
(on whichever channel layer this run has: in-memory, or Redis with SMARTCART_REDIS_URL)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from onprem.dashboard.consumers import DashboardConsumer
from onprem.fleet.signals import batch_stored, tell
from tests.onprem.fleet.conftest import cart_message, ingest

from .conftest import signed_in

# The consumer's database_sync_to_async closes connections around each call, as in a server:
# the test's data must be committed, not held in a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def communicator(user) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(DashboardConsumer.as_asgi(), "/ws/dashboard/")
    socket.scope["user"] = user
    return socket


def closed_with(user) -> int | None:
    async def scenario():
        socket = communicator(user)
        connected, _ = await socket.connect()
        assert connected  # accepted only to say why it closes
        output = await socket.receive_output(timeout=3)
        await socket.wait()
        return output.get("code")

    return async_to_sync(scenario)()


def test_it_closes_with_4403_for_anonymous_and_non_staff(store):
    assert closed_with(AnonymousUser()) == 4403
    assert closed_with(signed_in("ada", staff=False).user) == 4403


def test_it_sends_a_snapshot_then_the_delta_of_a_stored_batch(store, settings):
    settings.STORE_ID = "store-001"  # the store of the fleet conftest's messages
    staff = signed_in("maria", staff=True).user

    async def scenario():
        socket = communicator(staff)
        connected, _ = await socket.connect()
        assert connected
        snapshot = await socket.receive_json_from(timeout=5)

        batch = await database_sync_to_async(ingest)(cart_message("cart-002", 1, soc=55.5))
        await database_sync_to_async(tell)(batch_stored, batch=batch)
        delta = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return snapshot, delta

    snapshot, delta = async_to_sync(scenario)()

    assert snapshot["type"] == "snapshot"
    assert [r["id"] for r in snapshot["racks"]] == ["rack-01"]
    assert [s["n"] for s in snapshot["racks"][0]["slots"]] == [1, 2, 3, 4]
    assert [c["id"] for c in snapshot["carts"]] == ["cart-001", "cart-002", "cart-003"]
    assert snapshot["alerts"] == []
    assert delta["type"] == "delta"
    assert [(c["id"], c["soc"], c["online"]) for c in delta["carts"]] == [("cart-002", 55.5, True)]


def test_an_alert_change_arrives_as_the_alerts_summary(store):
    from onprem.alerts.signals import tell

    from .test_alert_actions import fault_alert

    staff = signed_in("maria", staff=True).user

    async def scenario():
        socket = communicator(staff)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        alert = await database_sync_to_async(fault_alert)("cart-003")
        await database_sync_to_async(tell)(alert.pk)
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return alert, message

    alert, message = async_to_sync(scenario)()

    assert message["type"] == "alert"
    assert (message["alert"]["id"], message["alert"]["device_id"], message["alert"]["state"]) == (
        alert.pk, "cart-003", "open")


def test_carts_the_sweep_found_silent_go_offline_on_the_page(store):
    from onprem.fleet.signals import devices_went_silent

    staff = signed_in("maria", staff=True).user

    async def scenario():
        socket = communicator(staff)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(tell)(devices_went_silent, racks=["rack-01"], carts=["cart-002"])
        message = await socket.receive_json_from(timeout=5)
        while message["type"] != "delta":  # the offline alerts the alerts app raises come too
            message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    delta = async_to_sync(scenario)()

    assert delta["statuses"] == [{"kind": "rack", "id": "rack-01", "online": False},
                                 {"kind": "cart", "id": "cart-002", "online": False}]
