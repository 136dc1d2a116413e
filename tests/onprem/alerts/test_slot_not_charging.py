"""A rack slot that does not charge: a docked cart below full drawing less than the minimum
current for longer than the store's minutes raises an alert; when it started is a row, so an
ingest restart does not restart the clock; it clears when the slot charges."""

from __future__ import annotations

from onprem.alerts.models import SlotWatch
from onprem.fleet.models import CartState
from onprem.fleet.services import provision_device

from .conftest import alerts, cart_body, ingest, publish, rack_body, telemetry, topic, wait_until

DOCK = {"rack": "rack-01", "slot": 2}


def rack_at(minute: float, current: float):
    return telemetry(rack_body(seq=int(minute * 60), slots=[(1, None, 0.0), (2, "cart-001", current)]))


def test_it_raises_after_the_slot_fails_for_ten_minutes_and_clears_when_it_charges(fleet):
    ingest(telemetry(cart_body(seq=0, soc=40.0, dock=DOCK)))

    ingest(rack_at(0, 0.05))
    ingest(rack_at(9, 0.05))
    assert alerts() == []

    ingest(rack_at(10, 0.0))
    [alert] = alerts("slot_not_charging")
    assert (alert.device_id, alert.data["slot"], alert.data["cart"], alert.state) == ("rack-01", 2, "cart-001",
                                                                                    "open")

    ingest(rack_at(11, 2.5))
    assert alerts("slot_not_charging")[0].state == "resolved"
    assert not SlotWatch.objects.exists()


def test_a_full_cart_or_an_empty_slot_is_not_a_failing_slot(fleet):
    ingest(telemetry(cart_body(seq=0, soc=97.0, dock=DOCK)))

    for minute in (0, 5, 15):
        ingest(rack_at(minute, 0.0))

    assert alerts() == [] and not SlotWatch.objects.exists()


def test_one_batch_holding_the_start_and_the_end_of_the_ten_minutes_raises(fleet):
    ingest(telemetry(cart_body(seq=0, soc=40.0, dock=DOCK)))

    ingest(rack_at(0, 0.0), rack_at(5, 0.0), rack_at(10.5, 0.0))

    assert [a.state for a in alerts("slot_not_charging")] == ["open"]


def test_the_clock_survives_an_ingest_restart(fleet):
    ingest(telemetry(cart_body(seq=0, soc=40.0, dock=DOCK)))
    ingest(rack_at(0, 0.0))

    # A new process: nothing in memory, the directory read again from the database.
    ingest(rack_at(12, 0.0))

    assert [a.state for a in alerts("slot_not_charging")] == ["open"]


def test_a_slot_not_charging_over_the_broker(ingest_process, store_id, broker_client):
    provision_device(kind="rack", device_id="rack-09", slot_count=2)
    provision_device(kind="cart", device_id="cart-090")
    publish(broker_client, topic("cart", "cart-090", "telemetry", store_id),
            cart_body("cart-090", seq=0, soc=30.0, dock={"rack": "rack-09", "slot": 1}))
    wait_until(lambda: CartState.objects.filter(cart__device_id="cart-090").exists(), "cart-090's state")

    for seq in (0, 300, 660):
        publish(broker_client, topic("rack", "rack-09", "telemetry", store_id),
                rack_body("rack-09", seq=seq, slots=[(1, "cart-090", 0.0), (2, None, 0.0)]))

    wait_until(lambda: [a.device_id for a in alerts("slot_not_charging")] == ["rack-09"], "a slot alert")
