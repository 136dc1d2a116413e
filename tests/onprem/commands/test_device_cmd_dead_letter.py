"""Ingest hears the store's own commands (it reads `#`) and skips them; a `cmd` a device
publishes is still a dead letter, even one that copies a real command."""

from __future__ import annotations

import json

import pytest

from onprem.fleet.models import Cart, DeadLetter
from smartcart.protocol import Command
from tests.agents.conftest import Listener

from .conftest import command_in, send, wait_until


@pytest.fixture
def device_side(mqtt_broker, store_id):
    """A client on the broker, as a device (or anyone) could connect."""
    listening = Listener(mqtt_broker, f"smartcart/{store_id}/+/+/cmd")
    yield listening
    listening.close()


def test_it_dead_letters_a_device_cmd_but_not_the_stores_own(
    fleet, staff, ingest_process, device_side, store_id
):
    Cart.objects.filter(device_id__in=["cart-001", "cart-002"]).update(online=True)
    own = send(staff, "/api/v1/carts/cart-001/commands/", {"command": "unlock"}).json()
    wait_until(lambda: device_side.on("cart-001", "cmd"), "the store's command on the wire")

    # The same id again, but on another cart's topic; and a made-up one.
    copied = {**json.loads(device_side.on("cart-001", "cmd")[0][0].payload), "command": "lock"}
    device_side.send(f"smartcart/{store_id}/cart/cart-002/cmd", copied)
    device_side.send(
        f"smartcart/{store_id}/cart/cart-002/cmd", Command(id="c-mine", command="lock").to_dict()
    )
    wait_until(lambda: DeadLetter.objects.count() >= 2, "two dead letters")

    letters = DeadLetter.objects.order_by("id")
    assert [letter.topic for letter in letters] == [f"smartcart/{store_id}/cart/cart-002/cmd"] * 2
    assert {letter.reason for letter in letters} == {
        "ingest does not take 'cmd' messages from devices: cmd goes from the store to a device"
    }
    assert command_in(staff, own["id"], ("sent",))["state"] == "sent"
