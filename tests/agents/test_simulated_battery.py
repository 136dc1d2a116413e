from __future__ import annotations

from cart_agent.hal.simulated import SimulatedCart
from simulator.world import StoreWorld


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def lone_cart(*, docked: bool) -> tuple[StoreWorld, SimulatedCart, Clock]:
    clock = Clock()
    world = StoreWorld(
        racks={"rack-01": 10},
        cart_ids=["cart-001"],
        seed=7,
        speed=1.0,
        clock=clock,
        docked_share=1.0 if docked else 0.0,
        moving=False,
    )
    world.carts["cart-001"].physics.soc = 60.0
    if not docked:
        world.carts["cart-001"].trip_left = 3600.0
    return world, SimulatedCart(world, "cart-001"), clock


def test_it_drains_the_battery_while_out_shopping():
    world, cart, clock = lone_cart(docked=False)
    start = cart.battery()
    clock.now += 1800
    later = cart.battery()
    assert cart.dock() is None
    assert later.soc < start.soc - 5 and not later.charging
    assert later.voltage < start.voltage
    assert later.temperature > start.temperature  # warmed by the load


def test_it_charges_the_battery_when_docked_in_a_powered_slot():
    world, cart, clock = lone_cart(docked=True)
    start = cart.battery()
    clock.now += 1800
    later = cart.battery()
    assert cart.dock().rack == "rack-01"
    assert later.soc > start.soc + 5 and later.charging
    assert later.temperature > start.temperature + 3  # chargers warm the pack


def test_it_stops_charging_when_the_slot_is_switched_off():
    world, cart, clock = lone_cart(docked=True)
    world.powered[("rack-01", cart.dock().slot)] = False
    start = cart.battery()
    clock.now += 1800
    assert cart.battery().soc < start.soc and not cart.battery().charging


def test_it_raises_and_clears_faults_over_a_long_day():
    world, cart, clock = lone_cart(docked=False)
    states = set()
    for _ in range(2000):
        clock.now += 60
        world.carts["cart-001"].trip_left = 3600.0
        world.carts["cart-001"].physics.soc = 60.0
        states.add(cart.health().state)
    assert states == {"ok", "degraded", "fault"}
