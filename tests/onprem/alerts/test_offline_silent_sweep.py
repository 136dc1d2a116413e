"""A device that went quiet without a Last Will reaching the store: ingest's silent-device
sweep marks it offline and the alert follows; its next reading clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from onprem.fleet.models import Cart, Rack
from onprem.fleet.services import mark_silent_devices_offline

from .conftest import alerts, cart_body, ingest, telemetry


def test_the_sweep_raises_offline_for_each_silent_device_and_a_reading_clears_it(fleet):
    long_ago = timezone.now() - timedelta(minutes=5)
    Cart.objects.filter(device_id="cart-002").update(online=True, last_seen=long_ago)
    Rack.objects.update(online=True, last_seen=long_ago)
    Cart.objects.filter(device_id="cart-003").update(online=True, last_seen=timezone.now())

    assert mark_silent_devices_offline(silent_for=timedelta(seconds=90)) == 2

    assert sorted((a.device_kind, a.device_id, a.state) for a in alerts("offline")) == [
        ("cart", "cart-002", "open"), ("rack", "rack-01", "open")]
    ingest(telemetry(cart_body("cart-002", seq=1, at=datetime.now(UTC))))
    assert {a.device_id: a.state for a in alerts("offline")} == {"cart-002": "resolved", "rack-01": "open"}
