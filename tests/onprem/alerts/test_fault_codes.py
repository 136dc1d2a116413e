"""Fault codes in cart and rack telemetry: one alert per device and code while reported,
cleared when a reading no longer lists the code; a fault published over the broker shows up."""

from __future__ import annotations

from onprem.alerts.models import Alert
from onprem.fleet.services import provision_device

from .conftest import alerts, cart_body, ingest, publish, rack_body, telemetry, topic, wait_until


def test_it_raises_one_alert_per_device_and_code_and_clears_the_code_that_is_gone(fleet):
    ingest(telemetry(cart_body(seq=1, health="degraded", faults=("E12",))))
    ingest(telemetry(cart_body(seq=2, health="fault", faults=("E12", "M4"))),
           telemetry(rack_body(seq=1, health="fault", faults=("E12",))))

    ingest(telemetry(cart_body(seq=3, health="degraded", faults=("M4",))))

    got = [(a.device_id, a.data["code"], a.severity, a.state) for a in alerts("fault")]
    assert got == [("cart-001", "E12", "warning", "resolved"), ("cart-001", "M4", "critical", "open"),
                   ("rack-01", "E12", "critical", "open")]


def test_a_fault_that_comes_back_later_raises_a_new_alert(fleet):
    ingest(telemetry(cart_body(seq=1, health="degraded", faults=("E12",))))
    ingest(telemetry(cart_body(seq=2)))

    ingest(telemetry(cart_body(seq=3, health="degraded", faults=("E12",))))

    assert [a.state for a in alerts("fault")] == ["resolved", "open"]


def test_a_rack_fault_published_over_the_broker_raises_an_alert(ingest_process, store_id, broker_client):
    provision_device(kind="rack", device_id="rack-05", slot_count=2)

    publish(broker_client, topic("rack", "rack-05", "telemetry", store_id),
            rack_body("rack-05", seq=1, health="fault", faults=("CHG_OVERHEAT",)))

    alert = wait_until(lambda: Alert.objects.filter(kind="fault", device_id="rack-05").first(), "a fault alert")
    assert (alert.device_kind, alert.data["code"], alert.severity) == ("rack", "CHG_OVERHEAT", "critical")
    publish(broker_client, topic("rack", "rack-05", "telemetry", store_id), rack_body("rack-05", seq=2))
    wait_until(lambda: Alert.objects.get(pk=alert.pk).state == "resolved", "the fault cleared")
