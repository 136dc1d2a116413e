"""A cart's connection as far as the broker sees it: a paho client with the agent's Last Will
(status offline), announcing itself online, then idling until it is killed.

python -m tests.onprem.alerts.lastwill_client HOST PORT PROTOCOL STORE DEVICE BOOT KEEPALIVE
"""

from __future__ import annotations

import json
import sys
import time

import paho.mqtt.client as mqtt


def main(host: str, port: str, protocol: str, store: str, device: str, boot: str, keepalive: str) -> None:
    where = f"smartcart/{store}/cart/{device}/status"
    status = {"schema": "status/1", "device": device, "boot_id": boot, "firmware": "1.0.0"}
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"lw-{device}-{store}",
                         protocol=mqtt.MQTTv5 if protocol == "5" else mqtt.MQTTv311)
    client.will_set(where, json.dumps({**status, "state": "offline"}), qos=1)
    client.connect(host, int(port), keepalive=int(keepalive))
    client.loop_start()
    client.publish(where, json.dumps({**status, "state": "online"}), qos=1).wait_for_publish(10)
    print("online", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(*sys.argv[1:8])
