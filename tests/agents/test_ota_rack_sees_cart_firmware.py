"""A docked cart that installed a release tells its rack (over the dock connector, i.e. the
shared simulated world) the version it now runs; a signed image that does not hold the version
it was signed as is refused by the slot (install_failed) and changes nothing."""

from __future__ import annotations

import threading

import pytest

from cart_agent.agent import CartAgent
from cart_agent.config import load
from cart_agent.hal.simulated import SimulatedCart
from rack_agent.hal.simulated import SimulatedRack
from simulator.world import StoreWorld
from smartcart.agentkit.runner import Runner
from smartcart.agentkit.slots import SimulatedSlots
from tests.agents.conftest import agent_env
from tests.agents.ota_kit import ArtifactServer, ReleaseKit, custom_image, install_command


@pytest.fixture
def docked_cart(mqtt_broker, store, tmp_path):
    """cart-001 docked in rack-01 of a world it shares with the rack's driver, its agent running
    in this process; (world, rack driver, cart's ota dir)."""
    kit = ReleaseKit(tmp_path)
    env = agent_env(
        mqtt_broker["url"], store, "cart-001", tmp_path / "cart.sqlite3", trust=str(kit.public)
    )
    cfg = load([], env=env).agent
    world = StoreWorld(racks={"rack-01": 2}, cart_ids=["cart-001"], docked_share=1.0, seed=3)
    world.moving = False
    slots = SimulatedSlots(cfg.ota_root, hardware="cart-v1", factory_version="1.0.0")
    agent = CartAgent(SimulatedCart(world, "cart-001", firmware_slots=slots), device="cart-001")
    runner = Runner(cfg, agent)
    agent.on_reboot = runner.reboot
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    yield kit, world, SimulatedRack(world, "rack-01")
    runner.stop()
    thread.join(20)


def docked_firmware(rack: SimulatedRack) -> list[str | None]:
    return [s.cart_firmware for s in rack.slots() if s.cart]


@pytest.mark.timeout(60)
def test_it_shows_the_rack_the_version_the_cart_runs(docked_cart, listener, store, tmp_path):
    kit, world, rack = docked_cart
    listener.wait_for("cart-001", "status", lambda d: d["state"] == "online")
    assert docked_firmware(rack) == ["1.0.0"]
    server = ArtifactServer()
    mislabelled = custom_image(
        tmp_path / "mislabelled.tar.gz", version="1.3.0", healthcheck="#!/bin/sh\nexit 0\n"
    )
    lying, lying_artifact = kit.sign(mislabelled, version="1.2.0")
    good, artifact = kit.release("1.1.0")
    cmd = f"smartcart/{store}/cart/cart-001/cmd"

    listener.send(cmd, install_command("c1", "job-1", good, server.add(artifact)))
    listener.wait_for(
        "cart-001", "event", lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded"
    )
    assert docked_firmware(rack) == ["1.1.0"] and world.carts["cart-001"].firmware == "1.1.0"

    listener.send(cmd, install_command("c2", "job-2", lying, server.add(lying_artifact)))
    failed = listener.wait_for(
        "cart-001",
        "event",
        lambda d: (
            d["event"] == "ota" and d["data"]["job"] == "job-2" and d["data"]["state"] == "failed"
        ),
    )
    server.close()
    assert failed["data"]["reason"] == "install_failed"
    assert "VERSION says '1.3.0'" in failed["data"]["detail"]
    assert failed["data"]["running"] == "1.1.0" and docked_firmware(rack) == ["1.1.0"]
