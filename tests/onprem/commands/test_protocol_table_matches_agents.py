"""The store's command table (smartcart/protocol/commands.py) and the agents agree: every
command the store sends, an agent runs, with the args the store completed."""

from __future__ import annotations

import pytest

from cart_agent.agent import CartAgent
from cart_agent.hal.simulated import SimulatedCart
from rack_agent.agent import RackAgent
from rack_agent.hal.simulated import SimulatedRack
from simulator.world import StoreWorld
from smartcart.protocol.commands import COMMANDS, check_command

EXAMPLES = {
    "assist_light": {"on": True},
    "maintenance": {"on": False},
    "display_message": {"text": "Back to rack 1, please"},
    "slot_power": {"slot": 2, "on": False},
}


def agents() -> dict:
    world = StoreWorld(racks={"rack-01": 4}, cart_ids=["cart-001"], seed=1)
    return {
        "cart": CartAgent(SimulatedCart(world, "cart-001"), device="cart-001"),
        "rack": RackAgent(SimulatedRack(world, "rack-01"), device="rack-01"),
    }


def test_each_kind_knows_the_same_commands_on_both_sides():
    assert {kind: set(agent.handlers()) for kind, agent in agents().items()} == {
        kind: set(table) for kind, table in COMMANDS.items()
    }


@pytest.mark.parametrize(
    ("kind", "command"), [(k, c) for k, table in COMMANDS.items() for c in table]
)
def test_an_agent_runs_what_the_store_checked(kind, command):
    agent = agents()[kind]
    args = check_command(kind, command, EXAMPLES.get(command, {}))

    assert isinstance(agent.handlers()[command](args), dict)
