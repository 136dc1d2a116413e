"""A simulated shopper's cart leaves its rack, drains while in use and docks when given back."""

from __future__ import annotations

from simulator.world import StoreWorld


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def world_of(clock: Clock) -> StoreWorld:
    world = StoreWorld(
        racks={"rack-01": 4},
        cart_ids=["cart-001", "cart-002"],
        seed=5,
        speed=60,
        docked_share=1.0,
        clock=clock,
    )
    world.departures = False  # with shoppers, carts leave only with one
    for cart in world.carts.values():
        cart.physics.soc = 90.0
    return world


def test_it_keeps_carts_in_their_slots_until_a_shopper_takes_one():
    clock = Clock()
    world = world_of(clock)
    clock.now += 3600  # two and a half simulated days
    world.advance()
    assert sorted(world.idle_docked()) == ["cart-001", "cart-002"]
    assert world.census()["shopping"] == 0


def test_it_drains_a_taken_cart_out_of_its_rack_and_docks_it_when_given_back():
    clock = Clock()
    world = world_of(clock)
    assert world.take("cart-001")
    assert not world.take("cart-001")  # one shopper per cart
    taken = world.carts["cart-001"]
    assert taken.dock is None and world.idle_docked() == ["cart-002"]
    soc = taken.physics.soc

    clock.now += 30  # half an hour of shopping
    world.advance()
    assert taken.dock is None, "a shopper's cart stays out until the shopper is done"
    assert taken.physics.soc < soc
    assert world.census()["shopping"] == 1

    world.give_back("cart-001")
    assert taken.dock is not None and taken.dock[0] == "rack-01"
    assert sorted(world.idle_docked()) == ["cart-001", "cart-002"]
