"""The store's command table (smartcart/protocol/commands.py) and the agents agree: every
command the store sends, an agent runs, with the args the store completed. `ota.install` is
the runner's, for hardware with firmware slots (smartcart/agentkit/ota.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cart_agent.agent import CartAgent
from cart_agent.hal.simulated import SimulatedCart
from rack_agent.agent import RackAgent
from rack_agent.hal.simulated import SimulatedRack
from simulator.world import StoreWorld
from smartcart.agentkit.config import AgentConfig, MqttSettings
from smartcart.agentkit.runner import Runner
from smartcart.agentkit.slots import SimulatedSlots
from smartcart.protocol.commands import COMMANDS, check_command
from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate

EXAMPLES = {
    "assist_light": {"on": True},
    "maintenance": {"on": False},
    "display_message": {"text": "Back to rack 1, please"},
    "slot_power": {"slot": 2, "on": False},
}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[dict, Path]:
    """A release signed as 1.0.0 (what the devices run) and its public key."""
    root = tmp_path_factory.mktemp("release")
    private, public, _ = generate(root)
    image = sample_image(version="1.0.0", out=root / "image.tar.gz")
    manifest, _ = build_release(
        image=image, version="1.0.0", hardware="cart-v1", channel="stable", expires_days=9,
        key=private, out=root,
    )  # fmt: skip
    return json.loads(manifest.read_text()), public


def handlers(tmp_path, trust: tuple[Path, ...] = ()) -> dict:
    """Each kind's commands as its running agent takes them (the runner adds ota.install)."""
    world = StoreWorld(racks={"rack-01": 4}, cart_ids=["cart-001"], seed=1)
    found = {}
    for kind, device, hardware in (("cart", "cart-001", "cart-v1"), ("rack", "rack-01", "rack-v1")):
        slots = SimulatedSlots(tmp_path / device, hardware=hardware, factory_version="1.0.0")
        if kind == "cart":
            agent = CartAgent(SimulatedCart(world, device, firmware_slots=slots), device=device)
        else:
            agent = RackAgent(SimulatedRack(world, device, firmware_slots=slots), device=device)
        config = AgentConfig(
            kind=kind, store="s1", device=device, mqtt=MqttSettings("127.0.0.1", 1883, False, 5),
            outbox=tmp_path / f"{device}.sqlite3", outbox_max=100, interval=1, firmware="1.0.0",
            seed=1, speed=1, log_level="INFO", trust=trust,
        )  # fmt: skip
        runner = Runner(config, agent)
        found[kind] = runner.desk.handlers
        runner.outbox.close()
    return found


def test_each_kind_knows_the_same_commands_on_both_sides(tmp_path):
    assert {kind: set(table) for kind, table in handlers(tmp_path).items()} == {
        kind: set(table) for kind, table in COMMANDS.items()
    }


@pytest.mark.parametrize(
    ("kind", "command"),
    [(k, c) for k, table in COMMANDS.items() for c in table if c != "ota.install"],
)
def test_an_agent_runs_what_the_store_checked(kind, command, tmp_path):
    handler = handlers(tmp_path)[kind][command]
    args = check_command(kind, command, EXAMPLES.get(command, {}))

    assert isinstance(handler(args), dict)


@pytest.mark.parametrize(
    ("kind", "answer"), [("cart", "^not_newer: "), ("rack", "^wrong_hardware: ")]
)
def test_a_device_verifies_the_manifest_the_store_checked(kind, answer, release, tmp_path):
    manifest, public = release
    url = "http://store.local/api/v1/updates/artifacts/ab/"
    args = check_command(kind, "ota.install", {"job": "j1", "manifest": manifest, "url": url})

    # The signed manifest arrives whole (its signature holds) and the device's own rules
    # answer: a cart runs 1.0.0 already, a rack is not cart-v1 hardware.
    with pytest.raises(ValueError, match=answer):
        handlers(tmp_path, trust=(public,))[kind]["ota.install"](args)
