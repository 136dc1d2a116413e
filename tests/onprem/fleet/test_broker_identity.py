"""A device cannot take over another identity's broker session (deploy/mosquitto/mosquitto.conf
binds client ids to usernames): not ingest's, whose queued readings it would drain, and not
another cart's."""

from __future__ import annotations

import pytest

from tests.onprem.fleet.store_mosquitto import (
    ACCEPTED,
    SUCCESS,
    connect,
    connect_ingest,
    ingest_client_id,
    start_store_broker,
    stop,
)

TELEMETRY = "smartcart/store-001/cart/cart-002/telemetry"


@pytest.fixture
def broker(db, settings, tmp_path):
    settings.STORE_ID = "store-001"
    proc, broker = start_store_broker(
        tmp_path, carts=("cart-001", "cart-002"), ingest_workers=("ingest-1",)
    )
    yield broker
    stop(proc)


def test_it_keeps_ingests_queued_readings_from_a_device_using_its_client_id(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    assert ingest.subscribe("smartcart/#") == 1
    ingest.close()
    cart_002 = connect(
        broker.device_port,
        client_id="store-001.cart-002",
        username="cart-002",
        password=broker.passwords["cart-002"],
    )
    assert [cart_002.publish(TELEMETRY, f"reading {n}") for n in range(10)] == [SUCCESS] * 10

    # The thief asks for ingest's session by every name it could guess, as MQTT 5 and 3.1.1 would.
    for stolen_id in (ingest_client_id("ingest-1"), "ingest-1"):
        thief = connect(
            broker.device_port,
            client_id=stolen_id,
            username="cart-001",
            password=broker.passwords["cart-001"],
            resume=True,
        )
        assert thief.connack == {"reason": SUCCESS, "session_present": False}
        thief.close()

    ingest = connect_ingest(settings, broker, "ingest-1")
    ingest.wait(lambda: len(ingest.received) >= 10, "the 10 readings queued for ingest")
    assert ingest.connack["session_present"] is True
    assert ingest.payloads() == [f"reading {n}".encode() for n in range(10)]
    assert thief.received == []


def test_it_does_not_let_a_device_evict_a_connected_ingest(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    assert ingest.subscribe("smartcart/#") == 1

    for stolen_id in (ingest_client_id("ingest-1"), "ingest-1"):
        thief = connect(
            broker.device_port,
            client_id=stolen_id,
            username="cart-001",
            password=broker.passwords["cart-001"],
            resume=True,
        )
        assert thief.connack["reason"] == SUCCESS
        thief.close()
    cart_002 = connect(
        broker.device_port,
        client_id="store-001.cart-002",
        username="cart-002",
        password=broker.passwords["cart-002"],
    )
    assert cart_002.publish(TELEMETRY, "after the attempt") == SUCCESS

    ingest.wait(lambda: ingest.received or ingest.disconnects, "the reading sent after the attempt")
    assert ingest.disconnects == []
    assert ingest.payloads() == [b"after the attempt"]


def test_it_does_not_let_one_cart_kick_another_off(broker):
    cart_002 = connect(
        broker.device_port,
        client_id="store-001.cart-002",
        username="cart-002",
        password=broker.passwords["cart-002"],
    )
    assert cart_002.subscribe("smartcart/store-001/cart/cart-002/cmd") == 1

    for stolen_id in ("store-001.cart-002", "cart-002"):
        thief = connect(
            broker.device_port,
            client_id=stolen_id,
            username="cart-001",
            password=broker.passwords["cart-001"],
        )
        assert thief.connack["reason"] == SUCCESS
        thief.close()

    # Still connected: it can publish and the broker answers.
    assert cart_002.publish(TELEMETRY, "still here") in ACCEPTED
    assert cart_002.disconnects == []
