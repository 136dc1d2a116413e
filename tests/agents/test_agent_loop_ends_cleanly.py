from __future__ import annotations

import sqlite3

import pytest

from cart_agent.hal.simulated import SimulatedCart


class CartInterruptedMidReading(SimulatedCart):
    """Something the loop must not swallow (here an interrupt) arrives while reading health."""

    interrupted = False

    def health(self):
        if self.interrupted:
            raise KeyboardInterrupt("interrupted while reading health")
        return super().health()


def test_it_says_offline_and_closes_its_outbox_when_its_loop_is_broken_off(
    in_process_cart, listener
):
    cart = in_process_cart("cart-034", CartInterruptedMidReading)
    listener.wait_for("cart-034", "status", lambda d: d["state"] == "online")
    listener.wait_for("cart-034", "telemetry")

    cart.hal.interrupted = True
    assert cart.stopped.wait(15), "the agent loop did not end"

    assert isinstance(cart.ended_by, KeyboardInterrupt)  # cleaned up, then passed on
    listener.wait_for("cart-034", "status", lambda d: d["state"] == "offline", timeout=10)
    assert not cart.runner.transport.thread.is_alive()
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        cart.runner.outbox.db.execute("SELECT 1")
