from __future__ import annotations

from cart_agent.hal.simulated import SimulatedCart
from smartcart.protocol import Command


def test_it_drops_commands_without_a_usable_id_and_answers_the_next(
    in_process_cart, listener, store, caplog
):
    in_process_cart("cart-035", SimulatedCart)
    listener.wait_for("cart-035", "status", lambda d: d["state"] == "online")
    cmd_topic = f"smartcart/{store}/cart/cart-035/cmd"

    # Ids of one-letter keys or items once passed the id check and broke the SQLite lookup.
    for hostile in ({"id": {"a": 1}}, {"id": ["c"]}, {"id": 7}, ["c-2"]):
        listener.send(cmd_topic, hostile)
    listener.send(cmd_topic, Command(id="c-lock", command="lock").to_dict())
    done = listener.wait_for(
        "cart-035", "ack", lambda d: d["id"] == "c-lock" and d["state"] != "accepted"
    )

    assert done["state"] == "done"
    assert [d["id"] for _, d in listener.on("cart-035", "ack")] == ["c-lock", "c-lock"]
    assert caplog.text.count("cart-035: dropped a command without a usable id") == 4
