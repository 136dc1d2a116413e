"""A cart flapping ten times in two minutes raises one alert, not ten: each time it goes
offline again soon after its alert cleared, the same alert is re-opened (flapping, counted),
and it clears when the cart comes back."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onprem.alerts.models import Alert
from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device

from .conftest import alerts, ingest, publish, status, status_body, topic, wait_until


def offline_alert(state: str):
    return Alert.objects.filter(kind="offline", device_id="cart-009", state=state).first()


def test_ten_flaps_over_the_broker_raise_one_alert_that_clears_when_the_cart_is_back(
    ingest_process, store_id, broker_client
):
    provision_device(kind="cart", device_id="cart-009")
    where = topic("cart", "cart-009", "status", store_id)
    publish(broker_client, where, status_body("cart-009", "online"))
    wait_until(lambda: Cart.objects.filter(device_id="cart-009", online=True).exists(), "cart-009 online")
    started = timezone.now()

    for _ in range(10):
        publish(broker_client, where, status_body("cart-009", "offline"))
        wait_until(lambda: offline_alert("open"), "the offline alert open")
        publish(broker_client, where, status_body("cart-009", "online"))
        wait_until(lambda: offline_alert("resolved"), "the offline alert cleared")

    assert timezone.now() - started < timedelta(minutes=2)
    [alert] = Alert.objects.filter(kind="offline")
    assert (alert.state, alert.flapping, alert.occurrences) == ("resolved", True, 10)
    assert alert.resolved_by is None


def test_a_cart_going_offline_after_the_flap_window_raises_a_new_alert(fleet):
    ingest(status("cart-001", "online"))
    ingest(status("cart-001", "offline"))
    ingest(status("cart-001", "online"))
    Alert.objects.update(resolved_at=timezone.now() - timedelta(minutes=11))  # window: 10 min

    ingest(status("cart-001", "offline"))

    assert [(a.state, a.flapping) for a in alerts("offline")] == [("resolved", False), ("open", False)]


def test_an_alert_resolved_by_staff_is_not_reopened_by_the_next_flap(fleet, anna):
    from onprem.alerts.services import resolve

    ingest(status("cart-001", "online"))
    ingest(status("cart-001", "offline"))
    resolve(alerts("offline")[0], anna)
    ingest(status("cart-001", "online"))

    ingest(status("cart-001", "offline"))

    assert [(a.state, a.occurrences) for a in alerts("offline")] == [("resolved", 1), ("open", 1)]


def test_the_retained_last_will_read_again_at_an_ingest_restart_does_not_raise_a_resolved_alert_again(
    fleet, anna
):
    from onprem.alerts.services import resolve

    ingest(status("cart-001", "online"))
    ingest(status("cart-001", "offline"))
    resolve(alerts("offline")[0], anna)  # staff know: the cart is in the workshop

    ingest(status("cart-001", "offline"))  # ingest restarted: the broker re-sends the retained will
    assert [a.state for a in alerts("offline")] == ["resolved"]

    ingest(status("cart-001", "online"))  # back from the workshop, then gone again
    ingest(status("cart-001", "offline"))
    assert [a.state for a in alerts("offline")] == ["resolved", "open"]
