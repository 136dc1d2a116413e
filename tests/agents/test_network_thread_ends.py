from __future__ import annotations

import sqlite3

import pytest

from cart_agent.hal.simulated import SimulatedCart


# The injected SystemExit ends the network thread: that is the point, not a leak.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_it_stops_instead_of_queueing_unsent_readings_when_its_network_thread_ends(
    in_process_cart, listener, store, caplog
):
    cart = in_process_cart("cart-036", SimulatedCart)
    listener.wait_for("cart-036", "status", lambda d: d["state"] == "online")

    def exits(payload: bytes) -> None:
        raise SystemExit("a driver library called sys.exit() in a callback")

    cart.runner.transport.on_command = exits  # what no `except Exception` catches
    listener.send(f"smartcart/{store}/cart/cart-036/cmd", {"id": "c-1"})

    assert cart.stopped.wait(10), "the agent kept running without its network thread"
    assert "the MQTT network thread has ended" in str(cart.ended_by)
    assert "cart-036: the MQTT network thread has ended; stopping" in caplog.text
    listener.wait_for("cart-036", "status", lambda d: d["state"] == "offline")  # the Last Will
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        cart.runner.outbox.db.execute("SELECT 1")
