from __future__ import annotations

from smartcart.protocol import Ack, Command


def test_it_rejects_an_unknown_command_saying_which(spawn_agent, listener, store):
    spawn_agent("cart_agent", "cart-006")
    listener.wait_for("cart-006", "status", lambda d: d["state"] == "online")
    listener.send(
        f"smartcart/{store}/cart/cart-006/cmd", Command(id="c-fly", command="fly").to_dict()
    )
    ack = Ack.parse(listener.wait_for("cart-006", "ack", lambda d: d["id"] == "c-fly"))
    assert ack.state == "rejected"
    assert "unknown command 'fly'" in ack.result["error"]
    assert "locate" in ack.result["error"]


def test_it_fails_a_command_with_bad_arguments(spawn_agent, listener, store):
    spawn_agent("rack_agent", "rack-02")
    listener.wait_for("rack-02", "status", lambda d: d["state"] == "online")
    bad = Command(id="c-slot", command="slot_power", args={"slot": 99, "on": False}).to_dict()
    listener.send(f"smartcart/{store}/rack/rack-02/cmd", bad)
    listener.wait_for("rack-02", "ack", lambda d: d["id"] == "c-slot" and d["state"] == "failed")
    states = [d["state"] for _, d in listener.on("rack-02", "ack")]
    assert states == ["accepted", "failed"]
    assert (
        "'slot' must be a whole number between 1 and 10"
        in listener.on("rack-02", "ack")[-1][1]["result"]["error"]
    )


def test_it_rejects_a_malformed_command_that_has_an_id(spawn_agent, listener, store):
    spawn_agent("cart_agent", "cart-007")
    listener.wait_for("cart-007", "status", lambda d: d["state"] == "online")
    listener.send(
        f"smartcart/{store}/cart/cart-007/cmd",
        {"schema": "cmd/1", "id": "c-bad", "command": "lock"},
    )
    ack = listener.wait_for("cart-007", "ack", lambda d: d["id"] == "c-bad")
    assert ack["state"] == "rejected"
    assert "missing field ts" in ack["result"]["error"]
