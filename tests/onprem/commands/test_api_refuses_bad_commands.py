"""An unknown command, bad args or an unknown device: a 4xx with a sentence, nothing published."""

from __future__ import annotations

import pytest

from onprem.commands.models import Command
from onprem.fleet.models import Cart
from tests.agents.conftest import Listener

from .conftest import send, wait_until


@pytest.fixture
def cmd_listener(mqtt_broker, store_id):
    listening = Listener(mqtt_broker, f"smartcart/{store_id}/+/+/cmd")
    yield listening
    listening.close()


@pytest.mark.parametrize(
    ("path", "body", "status", "sentence"),
    [
        (
            "carts/cart-001",
            {"command": "self_destruct"},
            400,
            "a cart has no command 'self_destruct'; known:",
        ),
        (
            "carts/cart-001",
            {"command": "slot_power", "args": {"slot": 1, "on": True}},
            400,
            "a cart has no command",
        ),
        (
            "carts/cart-001",
            {"command": "locate", "args": {"seconds": 0}},
            400,
            "args.seconds=0 is outside 1..300",
        ),
        ("carts/cart-001", {"command": "assist_light"}, 400, "missing field args.on"),
        (
            "carts/cart-001",
            {"command": "display_message", "args": {"text": "x" * 201}},
            400,
            "at most 200 characters",
        ),
        (
            "carts/cart-001",
            {"command": "lock", "args": {"why": "x"}},
            400,
            "lock does not take 'why'",
        ),
        (
            "racks/rack-01",
            {"command": "slot_power", "args": {"slot": 5, "on": False}},
            400,
            "slots 1..4, not slot 5",
        ),
        ("carts/cart-404", {"command": "lock"}, 404, "this store has no cart 'cart-404'"),
        ("racks/cart-001", {"command": "reboot"}, 404, "this store has no rack 'cart-001'"),
    ],
)
def test_it_refuses_a_command_it_cannot_send_and_publishes_nothing(
    fleet, staff, ingest_process, cmd_listener, path, body, status, sentence
):
    refused = send(staff, f"/api/v1/{path}/commands/", body)
    # A good command to an online device after the bad one: once it is on the wire, the bad
    # one would have been too.
    Cart.objects.filter(device_id="cart-002").update(online=True)
    good = send(staff, "/api/v1/carts/cart-002/commands/", {"command": "unlock"})
    wait_until(lambda: cmd_listener.on("cart-002", "cmd"), "the good command on the wire")

    assert refused.status_code == status
    assert sentence in refused.json()["detail"]
    assert [m.topic.split("/")[3] for m in cmd_listener.messages] == ["cart-002"]
    assert list(Command.objects.values_list("id", flat=True)) == [good.json()["id"]]
