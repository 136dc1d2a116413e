from __future__ import annotations

import threading
import time

from onprem.commands.models import Command
from onprem.commands.services import record_ack
from onprem.fleet.services import provision_device
from smartcart.protocol import Ack

from .store_commands_support import ack_for

LOCATE = {"kind": "cart", "device_id": "cart-001", "command": "locate", "args": {"seconds": 5}}


def answer_as_the_cart(state: str) -> threading.Thread:
    """What ingest does when the cart's ack arrives: record it, once the command exists."""

    def run() -> None:
        from django.db import connection

        try:
            while not (command := Command.objects.first()):
                time.sleep(0.05)
            record_ack(
                Ack(id=command.id, device="cart-001", state=state, result={"seconds": 5}),
                kind="cart",
            )
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_it_relays_a_cart_command_and_returns_its_outcome(transactional_db):
    provision_device(kind="cart", device_id="cart-001")
    cart = answer_as_the_cart("done")

    answer = ack_for("device.command", {**LOCATE, "ttl_s": 10})
    cart.join(5)

    command = Command.objects.get()
    assert answer["body"] == {
        "state": "done",
        "result": {"command": command.id, "state": "done", "result": {"seconds": 5}},
    }
    assert command.requested_by == "cloud:ops" and command.args == {"seconds": 5}


def test_it_reports_a_cart_that_does_not_answer_within_the_ttl(transactional_db):
    provision_device(kind="cart", device_id="cart-001")

    answer = ack_for("device.command", {**LOCATE, "ttl_s": 1})

    assert answer["body"]["state"] == "failed"
    assert (
        answer["body"]["result"]["error"]
        == "the cart did not answer within 1 s (the command is queued)"
    )
    assert Command.objects.count() == 1


def test_it_refuses_a_device_the_store_does_not_have(transactional_db):
    answer = ack_for("device.command", LOCATE)

    assert answer["body"] == {
        "state": "failed",
        "result": {"error": "this store has no cart 'cart-001'"},
    }
    assert not Command.objects.exists()
