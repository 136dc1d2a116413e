"""Ingest as it runs in a store: a real `manage.py ingest` behind a real broker."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import paho.mqtt.publish as publish

from onprem.fleet.models import DeadLetter
from onprem.fleet.services import provision_device

from .conftest import cart_payload, token_client


def publish_like_a_technician(broker: dict, topic: str, payload: str) -> None:
    """mosquitto_pub when installed (the check uses it), paho otherwise: an ordinary client."""
    if shutil.which("mosquitto_pub"):
        cmd = ["mosquitto_pub", "-h", broker["host"], "-p", str(broker["port"]), "-q", "1", "-t", topic, "-m", payload]
        if broker["protocol"] == 3:
            cmd += ["-V", "mqttv311"]
        subprocess.run(cmd, check=True, timeout=10)
    else:
        publish.single(topic, payload, qos=1, hostname=broker["host"], port=broker["port"])


def wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not true after {timeout}s: {check.__doc__ or check}")


def test_a_published_reading_appears_in_the_api_and_a_bad_one_is_dead_lettered(
    ingest_process, mqtt_broker, store_id
):
    provision_device(kind="cart", device_id="cart-042")
    api = token_client("staff", ["staff"])
    topic = f"smartcart/{store_id}/cart/cart-042/telemetry"

    publish_like_a_technician(mqtt_broker, topic, json.dumps(cart_payload("cart-042", seq=1, soc=42.5)))
    cart = wait_for(lambda: (c := api.get("/api/v1/carts/cart-042/").json())["battery"] and c)
    assert cart["battery"]["soc"] == 42.5 and cart["online"]

    publish_like_a_technician(mqtt_broker, topic, '{"schema": "cart.telemetry/1", "device": "cart-042"')
    letter = wait_for(lambda: DeadLetter.objects.filter(topic=topic).first())
    assert "payload is not JSON" in letter.reason

    publish_like_a_technician(mqtt_broker, topic, json.dumps(cart_payload("cart-042", seq=2, soc=41.0)))
    wait_for(lambda: api.get("/api/v1/carts/cart-042/").json()["battery"]["soc"] == 41.0)
    assert ingest_process.poll() is None, "ingest kept running after the bad message"


def test_it_stops_cleanly_on_sigterm(ingest_process):
    ingest_process.terminate()

    assert ingest_process.wait(20) == 0
