"""Contract fixtures: a simulated fleet publishing through the real broker, and a capture of
everything it sent."""

from __future__ import annotations

import time
import uuid

import pytest

from simulator.fleet import Fleet
from simulator.world import StoreWorld
from smartcart.agentkit.config import MqttSettings, parse_mqtt_url
from smartcart.protocol import Command
from tests.agents.conftest import Listener


@pytest.fixture(scope="module")
def captured(mqtt_broker, tmp_path_factory) -> list:
    """Every message 2 racks and 6 carts publish in a few busy seconds, commands and stop included."""
    store = f"c{uuid.uuid4().hex[:10]}"
    listener = Listener(mqtt_broker, f"smartcart/{store}/#")
    world = StoreWorld(
        racks={"rack-01": 4, "rack-02": 4},
        cart_ids=[f"cart-{n:03d}" for n in range(1, 7)],
        seed=5,
        speed=3000,
    )
    mqtt = MqttSettings(**parse_mqtt_url(mqtt_broker["url"], "the test broker"))
    fleet = Fleet(
        store=store,
        world=world,
        mqtt=mqtt,
        outbox_dir=tmp_path_factory.mktemp("outboxes"),
        interval=0.1,
        credentials={},
    )
    fleet.start()
    try:
        listener.wait_for("cart-001", "status", lambda d: d["state"] == "online")
        for command in (
            Command(id="k1", command="locate", args={"seconds": 5}),
            Command(id="k2", command="dance"),
        ):
            listener.send(f"smartcart/{store}/cart/cart-001/cmd", command.to_dict())
        listener.send(
            f"smartcart/{store}/rack/rack-01/cmd",
            Command(id="k3", command="slot_power", args={"slot": 2, "on": False}).to_dict(),
        )
        time.sleep(3)
    finally:
        fleet.stop()
    listener.wait_for("rack-02", "status", lambda d: d["state"] == "offline")
    listener.close()
    # Only this fleet's messages: the embedded amqtt broker has been seen to hand a Last Will
    # from another test's killed agent to every subscriber. cmd messages are the test's own.
    ours = f"smartcart/{store}/"
    return [
        m for m in listener.messages if m.topic.startswith(ours) and not m.topic.endswith("/cmd")
    ]
