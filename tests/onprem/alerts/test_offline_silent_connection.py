"""A cart whose network dies without a word (frozen: its socket stays open, no pings): the
broker gives up on it (MQTT: after 1.5 x the keepalive) and publishes its Last Will; the
offline alert follows within a fraction of a second of the Last Will."""

from __future__ import annotations

import os
import signal
import time

import pytest

from onprem.alerts.models import Alert
from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device
from tests.agents.conftest import Listener

from .conftest import wait_until
from .test_offline_last_will import KEEPALIVE, connect_cart

# What ingest may add after the Last Will: its batch wait (200 ms) and a commit.
INGEST_SLACK = 1.0


def test_a_silent_cart_raises_its_alert_just_after_the_broker_sends_its_last_will(
    ingest_process, mqtt_broker, store_id
):
    if not os.environ.get("SMARTCART_MQTT_URL"):
        pytest.skip("the embedded test broker (amqtt) does not enforce keepalives; Mosquitto does")
    provision_device(kind="cart", device_id="cart-008")
    listener = Listener(mqtt_broker, f"smartcart/{store_id}/cart/cart-008/status")
    cart = connect_cart(mqtt_broker, store_id, "cart-008")
    try:
        wait_until(lambda: Cart.objects.filter(device_id="cart-008", online=True).exists(), "cart-008 online")

        cart.send_signal(signal.SIGSTOP)  # no more pings, the connection left open
        frozen = time.monotonic()
        listener.wait_for("cart-008", "status", lambda body: body["state"] == "offline", timeout=30)
        will = time.monotonic()
        alert = wait_until(lambda: Alert.objects.filter(kind="offline", device_id="cart-008").first(),
                           "an offline alert", timeout=10)
        after_will = time.monotonic() - will
    finally:
        cart.kill()
        cart.wait(10)
        listener.client.disconnect()

    print(f"Last Will {will - frozen:.2f} s after the cart went silent (keepalive {KEEPALIVE} s), "
          f"alert {after_will:.2f} s after the Last Will")
    assert after_will <= INGEST_SLACK
    assert alert.state == "open"
