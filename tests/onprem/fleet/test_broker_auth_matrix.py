"""What each identity may do on the store's Mosquitto (export_mosquitto's password file and ACL
under deploy/mosquitto/mosquitto.conf): devices their own topics only, ingest workers all."""

from __future__ import annotations

import pytest

from tests.onprem.fleet.store_mosquitto import (
    ACCEPTED,
    NOT_AUTHORIZED,
    connect,
    connect_ingest,
    start_store_broker,
    stop,
)

OWN = "smartcart/store-001/cart/cart-001"
GRANTED_QOS_1 = 1
REFUSED = (134, 135)  # bad user name or password, not authorized (Mosquitto 2.0 answers 135)


@pytest.fixture
def broker(db, settings, tmp_path):
    settings.STORE_ID = "store-001"
    proc, broker = start_store_broker(
        tmp_path, carts=("cart-001", "cart-002"), ingest_workers=("ingest-1",)
    )
    yield broker
    stop(proc)


def connect_cart(broker, cart: str):
    return connect(
        broker.device_port,
        client_id=f"store-001.{cart}",
        username=cart,
        password=broker.passwords[cart],
    )


def test_it_lets_a_device_publish_only_its_own_topics(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    assert ingest.subscribe("smartcart/#") == GRANTED_QOS_1
    cart = connect_cart(broker, "cart-001")

    own = [f"{OWN}/{channel}" for channel in ("telemetry", "status", "event", "ack")]
    assert [cart.publish(topic, "mine") for topic in own] == [0, 0, 0, 0]
    foreign = [
        "smartcart/store-001/cart/cart-002/telemetry",  # another cart
        "smartcart/store-001/rack/cart-001/status",  # posing as a rack
        "smartcart/store-002/cart/cart-001/telemetry",  # another store
        f"{OWN}/cmd",  # commands come from the server only
        "smartcart/store-001/cart/cart-002/cmd",
        f"{OWN}/telemetry/extra",
        "$SYS/broker/uptime",
    ]
    assert {topic: cart.publish(topic, "forged") for topic in foreign} == dict.fromkeys(
        foreign, NOT_AUTHORIZED
    )

    assert cart.publish(f"{OWN}/telemetry", "last") == 0
    ingest.wait(lambda: len(ingest.received) >= 5, "the device's own five messages")
    assert [m.topic for m in ingest.received] == [*own, f"{OWN}/telemetry"]
    assert b"forged" not in ingest.payloads()


def test_it_lets_a_device_read_only_its_own_commands(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    cart_002 = connect_cart(broker, "cart-002")
    cart = connect_cart(broker, "cart-001")

    # Mosquitto 2.0 grants any subscription and applies the read rules to each message it
    # delivers: what matters is what reaches the device.
    greedy = [
        "#",
        "smartcart/#",
        "smartcart/store-001/+/+/telemetry",
        "smartcart/store-001/cart/cart-002/cmd",
        "$share/thieves/smartcart/#",
        f"{OWN}/cmd",
    ]
    for topic_filter in greedy:
        cart.subscribe(topic_filter)
    assert cart_002.publish("smartcart/store-001/cart/cart-002/telemetry", "theirs") in ACCEPTED
    assert ingest.publish("smartcart/store-001/cart/cart-002/cmd", "theirs") in ACCEPTED
    assert ingest.publish(f"{OWN}/cmd", "mine") in ACCEPTED

    cart.wait(lambda: b"mine" in cart.payloads(), "its own command")
    assert set(cart.payloads()) == {b"mine"}  # once per matching subscription


def test_it_lets_ingest_read_everything_and_send_only_commands(broker, settings):
    ingest = connect_ingest(settings, broker, "ingest-1")
    cart = connect_cart(broker, "cart-001")
    assert cart.subscribe(f"{OWN}/cmd") == GRANTED_QOS_1

    assert ingest.subscribe("smartcart/#") == GRANTED_QOS_1
    assert ingest.subscribe("$share/smartcart-ingest-store-001/smartcart/#") == GRANTED_QOS_1
    assert ingest.publish("smartcart/store-001/cart/cart-002/telemetry", "forged") == NOT_AUTHORIZED
    assert ingest.publish("smartcart/store-002/cart/cart-001/cmd", "other store") == NOT_AUTHORIZED
    assert ingest.publish(f"{OWN}/cmd", "unlock") in ACCEPTED

    cart.wait(lambda: cart.received, "the command")
    assert cart.payloads() == [b"unlock"]


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("cart-001", "not-its-password"),
        ("cart-001", "ingest-1-secret"),  # another identity's password
        ("ingest", "ingest-secret"),  # the shared user of old: each worker has its own now
        ("nobody", "whatever"),
    ],
)
def test_it_refuses_wrong_credentials(broker, username, password):
    peer = connect(broker.device_port, client_id="intruder", username=username, password=password)
    assert peer.connack.get("reason") in REFUSED


def test_it_refuses_anonymous_clients(broker):
    peer = connect(broker.server_port, client_id="anonymous", username=None, password=None)
    assert peer.connack.get("reason") in REFUSED
