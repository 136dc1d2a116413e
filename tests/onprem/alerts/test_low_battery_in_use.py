"""Low battery while in use: a cart out of its rack (or in a shopper's session) below the
store's threshold raises one alert; it clears when the cart charges or docks, or once the
charge is back above the threshold plus the hysteresis."""

from __future__ import annotations

from onprem.alerts.models import AlertRule
from onprem.fleet.models import Cart
from onprem.fleet.services import current_store

from .conftest import alerts, cart_body, ingest, telemetry

DOCK = {"rack": "rack-01", "slot": 1}


def test_it_raises_one_alert_for_a_cart_on_the_floor_below_the_threshold(fleet):
    ingest(telemetry(cart_body(seq=1, soc=25.0)))
    assert alerts() == []

    ingest(telemetry(cart_body(seq=2, soc=18.0)), telemetry(cart_body(seq=3, soc=17.5)))
    ingest(telemetry(cart_body(seq=4, soc=17.0)))

    [alert] = alerts("low_battery")
    assert (alert.device_id, alert.state, alert.severity) == ("cart-001", "open", "warning")
    assert alert.data == {"soc": 17.5, "threshold": 20}  # the batch's newest reading


def test_a_docked_cart_raises_nothing_unless_a_shopper_has_it(fleet):
    ingest(telemetry(cart_body(seq=1, soc=10.0, dock=DOCK, charging=False)))
    assert alerts() == []

    Cart.objects.filter(device_id="cart-001").update(in_session=True)
    ingest(telemetry(cart_body(seq=2, soc=10.0, dock=DOCK, charging=False)))

    assert [a.device_id for a in alerts("low_battery")] == ["cart-001"]


def test_it_clears_only_above_the_threshold_plus_hysteresis(fleet):
    ingest(telemetry(cart_body(seq=1, soc=19.0)))

    ingest(telemetry(cart_body(seq=2, soc=22.0)))  # above 20, below 20 + 5
    assert alerts("low_battery")[0].state == "open"

    ingest(telemetry(cart_body(seq=3, soc=25.0)))
    [alert] = alerts("low_battery")
    assert alert.state == "resolved" and alert.resolved_by is None and alert.resolved_at


def test_it_clears_when_the_cart_docks_and_charges(fleet):
    ingest(telemetry(cart_body(seq=1, soc=12.0)))

    ingest(telemetry(cart_body(seq=2, soc=12.0, dock=DOCK)))

    assert alerts("low_battery")[0].state == "resolved"


def test_the_stores_rule_sets_the_threshold_and_can_switch_it_off(fleet):
    rule = AlertRule.objects.create(store=current_store(), low_battery_percent=40)
    ingest(telemetry(cart_body("cart-001", seq=1, soc=35.0)))
    assert [a.device_id for a in alerts("low_battery")] == ["cart-001"]

    rule.low_battery_enabled = False
    rule.save()
    ingest(telemetry(cart_body("cart-002", seq=1, soc=5.0)))

    assert [a.device_id for a in alerts("low_battery")] == ["cart-001"]


def test_a_low_cart_over_the_broker_raises_and_clears_when_it_docks(ingest_process, store_id, broker_client):
    from onprem.alerts.models import Alert
    from onprem.fleet.services import provision_device

    from .conftest import publish, topic, wait_until

    provision_device(kind="cart", device_id="cart-050")
    where = topic("cart", "cart-050", "telemetry", store_id)

    publish(broker_client, where, cart_body("cart-050", seq=1, soc=14.0))
    alert = wait_until(lambda: Alert.objects.filter(kind="low_battery", device_id="cart-050").first(), "an alert")
    publish(broker_client, where, cart_body("cart-050", seq=2, soc=14.0, dock=DOCK))

    wait_until(lambda: Alert.objects.get(pk=alert.pk).state == "resolved", "the alert cleared")
    assert Alert.objects.filter(kind="low_battery").count() == 1
