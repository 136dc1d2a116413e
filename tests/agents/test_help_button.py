"""The cart's help button: each press is one `help_requested` event on the event channel."""

from __future__ import annotations

from datetime import UTC, datetime

from cart_agent.agent import CartAgent
from cart_agent.hal.base import CartHardware
from cart_agent.hal.simulated import SimulatedCart
from simulator.world import StoreWorld


def sampled(agent: CartAgent, seq: int) -> list[tuple[str, dict]]:
    agent.sample(boot_id="b", seq=seq, ts=datetime.now(UTC))
    return [h for h in agent.happenings() if h[0] == "help_requested"]


def test_it_turns_each_press_into_one_event():
    hal = SimulatedCart(StoreWorld(racks={"rack-01": 2}, cart_ids=["cart-001"], seed=1), "cart-001")
    agent = CartAgent(hal, device="cart-001")

    hal.press_help_button()
    hal.press_help_button()

    assert sampled(agent, 0) == [("help_requested", {}), ("help_requested", {})]
    assert sampled(agent, 1) == []


def test_it_reports_no_presses_for_hardware_without_a_button():
    # A driver written before the button existed still works: the default is "never pressed".
    Buttonless = type("Buttonless", (SimulatedCart,), {"help_presses": CartHardware.help_presses})
    hal = Buttonless(StoreWorld(racks={"rack-01": 2}, cart_ids=["cart-001"], seed=1), "cart-001")

    assert "help_presses" not in CartHardware.__abstractmethods__
    assert sampled(CartAgent(hal, device="cart-001"), 0) == []


def test_it_publishes_the_press_over_the_broker(in_process_cart, listener):
    cart = in_process_cart("cart-001", SimulatedCart)
    listener.wait_for("cart-001", "telemetry")

    cart.hal.press_help_button()

    event = listener.wait_for("cart-001", "event", lambda e: e["event"] == "help_requested")
    assert event["schema"] == "event/1" and event["device"] == "cart-001" and event["data"] == {}
