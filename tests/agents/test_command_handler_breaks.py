from __future__ import annotations

from cart_agent.hal.simulated import SimulatedCart
from smartcart.protocol import Command


class CartWithDeadBuzzer(SimulatedCart):
    """The buzzer's serial line does not answer: its driver raises, as real drivers do."""

    def locate(self, *, seconds: float) -> None:
        raise OSError(5, "buzzer does not answer on /dev/ttyS2")


def test_it_fails_a_command_whose_handler_breaks_and_answers_the_next(
    in_process_cart, listener, store, caplog
):
    cart = in_process_cart("cart-031", CartWithDeadBuzzer)
    listener.wait_for("cart-031", "status", lambda d: d["state"] == "online")
    cmd_topic = f"smartcart/{store}/cart/cart-031/cmd"

    listener.send(cmd_topic, Command(id="c-beep", command="locate").to_dict())
    failed = listener.wait_for(
        "cart-031", "ack", lambda d: d["id"] == "c-beep" and d["state"] != "accepted"
    )
    listener.send(cmd_topic, Command(id="c-lock", command="lock").to_dict())
    done = listener.wait_for(
        "cart-031", "ack", lambda d: d["id"] == "c-lock" and d["state"] != "accepted"
    )
    seq = listener.on("cart-031", "telemetry")[-1][1]["seq"]
    listener.wait_for("cart-031", "telemetry", lambda d: d["seq"] > seq + 3)

    assert failed["state"] == "failed"
    assert "OSError: [Errno 5] buzzer does not answer on /dev/ttyS2" in failed["result"]["error"]
    assert done["state"] == "done" and done["result"] == {"locked": True}
    assert not cart.stopped.is_set()
    assert "command c-beep locate broke" in caplog.text
