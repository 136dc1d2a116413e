from __future__ import annotations

import sqlite3
import time

from cart_agent.hal.simulated import SimulatedCart
from smartcart.protocol import Command

NOT_RECORDED = "not recorded: OperationalError: database is locked"


def test_it_keeps_publishing_and_answering_after_its_outbox_could_not_be_written(
    in_process_cart, listener, store, caplog
):
    cart = in_process_cart("cart-032", SimulatedCart)
    listener.wait_for("cart-032", "telemetry", lambda d: d["seq"] >= 3)

    # Another process holds the outbox file's write lock for longer than SQLite waits (5 s):
    # both the agent loop's appends and the network thread's deletes fail meanwhile. They
    # share one lock in the agent, so an append may queue behind a 5 s delete: the lock is
    # held until the agent has said an append failed (CI once released it too early).
    locker = sqlite3.connect(cart.outbox, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    deadline = time.monotonic() + 30
    while NOT_RECORDED not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.2)
    locker.execute("ROLLBACK")
    locker.close()
    seq = listener.on("cart-032", "telemetry")[-1][1]["seq"]

    listener.wait_for("cart-032", "telemetry", lambda d: d["seq"] > seq + 5, timeout=10)
    listener.send(
        f"smartcart/{store}/cart/cart-032/cmd", Command(id="c-lock", command="lock").to_dict()
    )
    ack = listener.wait_for(
        "cart-032", "ack", lambda d: d["id"] == "c-lock" and d["state"] != "accepted"
    )
    assert ack["state"] == "done"
    assert not cart.stopped.is_set()
    assert NOT_RECORDED in caplog.text
