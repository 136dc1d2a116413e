from __future__ import annotations

from tests.agents.conftest import Listener


def test_it_leaves_a_retained_online_status_for_late_subscribers(
    spawn_agent, listener, mqtt_broker, store
):
    spawn_agent("cart_agent", "cart-003")
    online = listener.wait_for("cart-003", "status", lambda d: d["state"] == "online")
    late = Listener(mqtt_broker, f"smartcart/{store}/cart/cart-003/status")
    try:
        seen = late.wait_for("cart-003", "status", timeout=5)
        message, _ = late.on("cart-003", "status")[0]
    finally:
        late.close()
    assert message.retain
    assert seen == online
