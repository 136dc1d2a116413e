from __future__ import annotations

import pytest

from onprem.fleet.models import CartReading, DeadLetter

from .conftest import cart_message, cart_payload, ingest, message

TOPIC = "smartcart/store-001/cart/cart-001/telemetry"


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (TOPIC, b"{not json", "payload is not JSON"),
        (TOPIC, {**cart_payload(), "seq": "seven"}, "field seq must be an integer"),
        (TOPIC, {**cart_payload(), "battery": {"soc": 140, "voltage": 25, "temperature": 20, "charging": False}},
         "field battery.soc=140 is outside 0..100"),
        (TOPIC, {k: v for k, v in cart_payload().items() if k != "boot_id"}, "missing field boot_id"),
        (TOPIC, {**cart_payload(), "ts": "yesterday"}, "is not an RFC 3339 timestamp"),
        ("smartcart/store-001/cart/cart-999/telemetry", cart_payload("cart-999"), "unknown device cart 'cart-999'"),
        ("smartcart/store-001/cart/cart-002/telemetry", cart_payload("cart-001"), "does not match topic device"),
        ("smartcart/store-001/cart/cart-001/cmd", cart_payload(), "ingest does not take 'cmd'"),
        ("garbage/topic", cart_payload(), "is not smartcart/{store}"),
    ],
)
def test_it_dead_letters_a_bad_message_with_the_reason(fleet, topic, payload, reason):
    ingest(message(topic, payload))

    letter = DeadLetter.objects.get()
    assert reason in letter.reason
    assert letter.topic == topic
    assert CartReading.objects.count() == 0


def test_it_keeps_the_good_messages_of_a_batch_with_a_bad_one(fleet):
    ingest(cart_message(seq=1), message(TOPIC, b"\xff\xfe"), cart_message(seq=2))

    assert CartReading.objects.count() == 2
    assert DeadLetter.objects.count() == 1


def test_it_dead_letters_a_firmware_version_with_sql_characters(fleet):
    ingest(message(TOPIC, {**cart_payload(), "firmware": "1.0'; DROP TABLE x; --"}))

    assert "may hold only letters, digits" in DeadLetter.objects.get().reason
    assert CartReading.objects.count() == 0
