from __future__ import annotations

import json

from smartcart.agentkit.config import MqttSettings, parse_mqtt_url
from smartcart.agentkit.outbox import Outbox
from smartcart.agentkit.transport import Transport


def test_it_keeps_its_network_thread_when_taking_a_command_raises(
    mqtt_broker, listener, store, tmp_path, caplog
):
    def choke(payload: bytes) -> None:
        raise RuntimeError(f"cannot take {payload!r}")

    base = f"smartcart/{store}/cart/cart-033"
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    transport = Transport(
        MqttSettings(**parse_mqtt_url(mqtt_broker["url"], "the test broker")),
        client_id=f"{store}.cart-033",
        outbox=outbox,
        status_topic=f"{base}/status",
        cmd_topic=f"{base}/cmd",
        presence=lambda state: json.dumps({"state": state}).encode(),
        on_command=choke,
    )
    transport.start()
    try:
        listener.wait_for("cart-033", "status", lambda d: d["state"] == "online")
        listener.send(f"{base}/cmd", {"id": "c-1"})
        listener.wait_for("cart-033", "cmd")
        outbox.append(f"{base}/telemetry", b'{"seq": 1}')
        listener.wait_for("cart-033", "telemetry", lambda d: d["seq"] == 1)
    finally:
        transport.stop()
        outbox.close()

    assert transport.thread.is_alive() is False
    assert 'taking a command failed: RuntimeError: cannot take b\'{"id": "c-1"}\'' in caplog.text
    listener.wait_for("cart-033", "status", lambda d: d["state"] == "offline")
