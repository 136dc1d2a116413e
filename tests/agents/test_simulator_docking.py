from __future__ import annotations

import time
from pathlib import Path

from simulator.fleet import Fleet
from simulator.world import StoreWorld
from smartcart.agentkit.config import MqttSettings, parse_mqtt_url
from smartcart.protocol import now_ts


def latest(listener, device: str, channel: str, since: str) -> dict:
    return [d for _, d in listener.on(device, channel) if d["ts"] >= since][-1]


def test_it_has_racks_and_carts_agree_on_who_is_docked_where(
    mqtt_broker, listener, store, tmp_path: Path
):
    world = StoreWorld(
        racks={"rack-01": 10, "rack-02": 10, "rack-03": 10},
        cart_ids=[f"cart-{n:03d}" for n in range(1, 25)],
        seed=3,
        speed=600,
    )
    mqtt = MqttSettings(**parse_mqtt_url(mqtt_broker["url"], "the test broker"))
    fleet = Fleet(
        store=store, world=world, mqtt=mqtt, outbox_dir=tmp_path, interval=0.2, credentials={}
    )
    fleet.start()
    try:
        time.sleep(3)  # carts come and go
        world.moving = False  # who is where stops changing; batteries still move
        since = now_ts()
        for device in fleet.runners:
            listener.wait_for(device, "telemetry", lambda d: d["ts"] > since)
    finally:
        fleet.stop()

    racks = {
        (rack, s["slot"]): s["cart"]
        for rack in world.racks
        for s in latest(listener, rack, "telemetry", since)["slots"]
        if s["cart"]
    }
    carts = {
        (d["dock"]["rack"], d["dock"]["slot"]): cart
        for cart in world.cart_ids
        if (d := latest(listener, cart, "telemetry", since))["dock"]
    }
    assert racks == carts
    assert 0 < len(carts) < 24  # some docked, some out shopping
    moves = [
        e
        for cart in world.cart_ids
        for _, e in listener.on(cart, "event")
        if e["event"] in ("docked", "undocked")
    ]
    assert moves, "no cart left or returned to a rack"
