"""A cart that drops off the network: the broker publishes its Last Will, ingest stores it,
and one offline alert is raised within 1.5 x the keepalive; it clears when the cart returns."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

from onprem.alerts.models import Alert
from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device
from tests.conftest import ROOT

from .conftest import cart_body, publish, topic, wait_until

KEEPALIVE = 4  # seconds: the broker gives up on a silent client after 1.5 x this


def connect_cart(mqtt_broker, store_id: str, device: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.onprem.alerts.lastwill_client", mqtt_broker["host"], str(mqtt_broker["port"]),
         str(mqtt_broker["protocol"]), store_id, device, "boot-a", str(KEEPALIVE)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout.readline().strip() == "online"
    return proc


def test_a_cart_killed_without_disconnecting_raises_one_alert_within_the_keepalive_and_clears_on_return(
    ingest_process, mqtt_broker, store_id, broker_client
):
    provision_device(kind="cart", device_id="cart-007")
    cart = connect_cart(mqtt_broker, store_id, "cart-007")
    try:
        wait_until(lambda: Cart.objects.filter(device_id="cart-007", online=True).exists(), "cart-007 online")

        cart.kill()  # no DISCONNECT: the broker sends the Last Will
        killed = time.monotonic()
        alert = wait_until(lambda: Alert.objects.filter(kind="offline", device_id="cart-007").first(),
                           "an offline alert", timeout=1.5 * KEEPALIVE)
        took = time.monotonic() - killed
    finally:
        cart.kill()
        cart.wait(10)

    assert took < 1.5 * KEEPALIVE
    assert (alert.state, alert.device_kind, alert.flapping) == ("open", "cart", False)
    print(f"offline alert {took:.2f} s after the cart was killed (keepalive {KEEPALIVE} s)")

    publish(broker_client, topic("cart", "cart-007", "telemetry", store_id), cart_body("cart-007", seq=99, at=datetime.now(UTC)))
    wait_until(lambda: Alert.objects.get(pk=alert.pk).state == "resolved", "the alert cleared")
    alert.refresh_from_db()
    assert alert.resolved_by is None and alert.data["back_by"] == "telemetry"
    assert Alert.objects.filter(kind="offline").count() == 1
