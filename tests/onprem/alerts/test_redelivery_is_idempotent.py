"""A redelivered message never raises an alert twice: the same batch told twice (ingest
crashed before its PUBACKs), a Last Will arriving twice, and a late copy of an old reading
after its alert cleared all leave one alert."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from onprem.alerts.models import Alert
from onprem.fleet.signals import batch_stored, devices_went_silent, tell

from .conftest import alerts, cart_body, ingest, rack_body, status, telemetry

LOW = cart_body(seq=1, soc=10.0, faults=("E12",), health="degraded")


def test_the_same_batch_delivered_twice_raises_each_alert_once(fleet):
    messages = [telemetry(LOW), telemetry(rack_body(seq=1, faults=("P3",), health="fault")),
                status("cart-002", "offline")]

    batch = ingest(*messages)
    tell(batch_stored, batch=batch)
    ingest(*messages)

    assert sorted((a.kind, a.device_id, a.state) for a in alerts()) == [
        ("fault", "cart-001", "open"), ("fault", "rack-01", "open"),
        ("low_battery", "cart-001", "open"), ("offline", "cart-002", "open"),
    ]


def test_a_late_copy_of_an_old_reading_does_not_raise_a_cleared_alert_again(fleet):
    ingest(telemetry(LOW))
    ingest(telemetry(cart_body(seq=2, soc=60.0)))
    assert {a.state for a in alerts()} == {"resolved"}

    ingest(telemetry(LOW))  # redelivered: its (device, boot, seq) is stored already

    assert [(a.kind, a.state) for a in alerts()] == [("low_battery", "resolved"), ("fault", "resolved")]


def test_the_silent_sweep_and_a_last_will_for_one_cart_make_one_alert(fleet):
    tell(devices_went_silent, racks=["rack-01"], carts=["cart-001"])
    tell(devices_went_silent, racks=[], carts=["cart-001"])
    ingest(status("cart-001", "offline"))

    assert sorted((a.device_kind, a.device_id) for a in alerts("offline")) == [("cart", "cart-001"),
                                                                            ("rack", "rack-01")]


def test_the_database_refuses_a_second_active_alert_for_one_thing(fleet):
    ingest(status("cart-001", "offline"))
    first = alerts("offline")[0]

    try:
        with transaction.atomic():
            Alert.objects.create(kind="offline", severity="warning", device_id="cart-001", key=first.key,
                                 active_key=first.active_key)
        refused = False
    except IntegrityError:
        refused = True

    assert refused
