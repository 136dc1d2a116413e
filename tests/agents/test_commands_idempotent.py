from __future__ import annotations

from smartcart.protocol import Command


def acks(listener, device: str, command_id: str) -> list[str]:
    return [data["state"] for _, data in listener.on(device, "ack") if data["id"] == command_id]


def test_it_executes_a_command_once_and_acks_accepted_then_done(spawn_agent, listener, store):
    spawn_agent("cart_agent", "cart-004")
    first = listener.wait_for("cart-004", "status", lambda d: d["state"] == "online")
    reboot = Command(id="cmd-reboot-1", command="reboot").to_dict()
    listener.send(f"smartcart/{store}/cart/cart-004/cmd", reboot)
    listener.wait_for(
        "cart-004", "ack", lambda d: d["id"] == "cmd-reboot-1" and d["state"] == "done"
    )
    assert acks(listener, "cart-004", "cmd-reboot-1") == ["accepted", "done"]
    second = listener.wait_for(
        "cart-004", "status", lambda d: d["state"] == "online" and d["boot_id"] != first["boot_id"]
    )

    listener.send(f"smartcart/{store}/cart/cart-004/cmd", reboot)
    listener.wait_for(
        "cart-004",
        "ack",
        lambda d: (
            d["id"] == "cmd-reboot-1" and len(acks(listener, "cart-004", "cmd-reboot-1")) == 3
        ),
    )
    listener.wait_for(
        "cart-004", "telemetry", lambda d: d["boot_id"] == second["boot_id"] and d["seq"] >= 5
    )
    assert acks(listener, "cart-004", "cmd-reboot-1") == ["accepted", "done", "done"]
    boots = {
        data["boot_id"]
        for _, data in listener.on("cart-004", "status")
        if data["state"] == "online"
    }
    assert boots == {first["boot_id"], second["boot_id"]}


def test_it_remembers_a_done_command_across_a_restart(spawn_agent, listener, store):
    proc = spawn_agent("cart_agent", "cart-005")
    listener.wait_for("cart-005", "status", lambda d: d["state"] == "online")
    lock = Command(id="cmd-lock-1", command="lock").to_dict()
    listener.send(f"smartcart/{store}/cart/cart-005/cmd", lock)
    listener.wait_for("cart-005", "ack", lambda d: d["id"] == "cmd-lock-1" and d["state"] == "done")
    proc.terminate()
    proc.wait(15)

    spawn_agent("cart_agent", "cart-005")
    listener.wait_for(
        "cart-005",
        "status",
        lambda d: d["state"] == "online" and len(listener.on("cart-005", "status")) >= 3,
    )
    listener.send(f"smartcart/{store}/cart/cart-005/cmd", lock)
    listener.wait_for(
        "cart-005", "ack", lambda d: len(acks(listener, "cart-005", "cmd-lock-1")) == 3
    )
    assert acks(listener, "cart-005", "cmd-lock-1") == ["accepted", "done", "done"]
    assert listener.on("cart-005", "ack")[-1][1]["result"] == {"locked": True}
