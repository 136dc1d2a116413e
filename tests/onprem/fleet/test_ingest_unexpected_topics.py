"""Nothing a device publishes under smartcart/ vanishes: what ingest does not take is a dead letter."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from onprem.fleet.ingest import Message
from onprem.fleet.models import Cart, DeadLetter

from .conftest import ACK, cart_payload, ingest, message

CMD = {
    "schema": "cmd/1",
    "id": "c-1",
    "command": "unlock",
    "args": {},
    "ts": "2026-11-22T10:00:00Z",
}


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("smartcart/store-001/cart/cart-001/cmd", CMD, "cmd goes from the store to a device"),
        (
            "smartcart/store-001/cart/cart-001/ack",
            ACK,
            "ack for command 'c-1', which this store never sent",
        ),
        (
            "smartcart/store-001/cart/cart-001/ack",
            {**ACK, "device": "cart-002"},
            "does not match topic device",
        ),
        (
            "smartcart/store-001/cart/cart-001/diagnostics",
            cart_payload(),
            "channel 'diagnostics' is not one of",
        ),
        (
            "smartcart/store-001/cart/cart-001/telemetry/extra",
            cart_payload(),
            "is not smartcart/{store}",
        ),
        ("smartcart/store-001/cart", cart_payload(), "is not smartcart/{store}"),
        (
            "smartcart/store-999/cart/cart-001/telemetry",
            cart_payload(),
            "topic is for store 'store-999'",
        ),
        ("lights/aisle-4", cart_payload(), "is not smartcart/{store}"),
    ],
)
def test_it_dead_letters_what_it_does_not_take(fleet, topic, payload, reason):
    ingest(message(topic, payload))

    letter = DeadLetter.objects.get()
    assert reason in letter.reason and letter.topic == topic


@pytest.mark.parametrize("topic", ["smartcart/store-999/cart/cart-001/status", "lights/aisle-4"])
def test_it_skips_a_foreign_retained_message_on_subscribe(fleet, topic):
    # Re-sent by the broker at every (re)subscribe: dead-lettered once, when it was published.
    status = {"schema": "status/1", "device": "cart-001", "state": "online", "boot_id": "b"}

    ingest(Message(topic, json.dumps(status).encode(), datetime.now(UTC), retained=True))

    assert DeadLetter.objects.count() == 0


@pytest.mark.parametrize("firmware", ["1" * 330, "1.0'; --", 7])
def test_it_checks_a_status_firmware_like_telemetrys(fleet, firmware):
    status = {
        "schema": "status/1",
        "device": "cart-001",
        "state": "online",
        "boot_id": "b",
        "firmware": firmware,
    }

    ingest(message("smartcart/store-001/cart/cart-001/status", status))

    assert "field firmware" in DeadLetter.objects.get().reason
    assert Cart.objects.get(device_id="cart-001").firmware == ""


def test_a_status_without_firmware_is_still_taken(fleet):
    status = {"schema": "status/1", "device": "cart-001", "state": "online", "boot_id": "b"}

    ingest(message("smartcart/store-001/cart/cart-001/status", status))

    assert Cart.objects.get(device_id="cart-001").online and not DeadLetter.objects.exists()
