"""The store's Mosquitto keeps payloads over the protocol's 64 KiB (docs/protocol.md) from
ingest, and never reads a packet far larger into memory."""

from __future__ import annotations

import pytest

from smartcart.protocol.fields import MAX_PAYLOAD
from tests.onprem.fleet.store_mosquitto import (
    ACCEPTED,
    DISCONNECTED,
    connect,
    connect_ingest,
    start_store_broker,
    stop,
)

TELEMETRY = "smartcart/store-001/cart/cart-001/telemetry"


@pytest.fixture
def broker(db, settings, tmp_path):
    settings.STORE_ID = "store-001"
    proc, broker = start_store_broker(tmp_path, carts=("cart-001",), ingest_workers=("ingest-1",))
    yield broker
    stop(proc)


def connect_cart(broker, *, protocol: int):
    return connect(
        broker.device_port,
        client_id="store-001.cart-001",
        username="cart-001",
        password=broker.passwords["cart-001"],
        protocol=protocol,
    )


def test_it_drops_a_payload_over_64_kib_and_lets_an_mqtt_3_device_go_on(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    ingest.subscribe("smartcart/#")
    cart = connect_cart(broker, protocol=3)

    assert cart.publish(TELEMETRY, b"x" * MAX_PAYLOAD) == 0
    assert (
        cart.publish(TELEMETRY, b"y" * (MAX_PAYLOAD + 1)) == 0
    )  # MQTT 3.1.1 PUBACKs carry no reason
    assert cart.publish(TELEMETRY, b"next") == 0

    ingest.wait(lambda: b"next" in ingest.payloads(), "the message after the dropped one")
    assert [len(p) for p in ingest.payloads()] == [MAX_PAYLOAD, 4]
    assert cart.disconnects == []


def test_it_refuses_a_payload_over_64_kib_from_an_mqtt_5_device(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    ingest.subscribe("smartcart/#")
    cart = connect_cart(broker, protocol=5)

    assert cart.publish(TELEMETRY, b"x" * MAX_PAYLOAD) in ACCEPTED
    # Mosquitto 2.0.11 answers with PUBACK reason 0x95, which paho rejects as a protocol error
    # and drops the connection: the device learns of the refusal only by being disconnected.
    assert cart.publish(TELEMETRY, b"y" * (MAX_PAYLOAD + 1)) in (DISCONNECTED, 131, 149)
    late = connect(
        broker.device_port,
        client_id="late",
        username="cart-001",
        password=broker.passwords["cart-001"],
    )
    assert late.publish(TELEMETRY, b"next") in ACCEPTED

    ingest.wait(lambda: b"next" in ingest.payloads(), "the message after the refused one")
    assert [len(p) for p in ingest.payloads()] == [MAX_PAYLOAD, 4]


def test_it_disconnects_a_client_sending_a_packet_over_128_kib(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    ingest.subscribe("smartcart/#")
    cart = connect_cart(broker, protocol=3)

    assert cart.publish(TELEMETRY, b"z" * (256 * 1024)) == DISCONNECTED
    assert ingest.received == []
