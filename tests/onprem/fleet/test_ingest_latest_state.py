from __future__ import annotations

from datetime import timedelta

from onprem.fleet.ingest import DeviceDirectory, store_batch
from onprem.fleet.models import Cart, Rack, Slot

from .conftest import T0, cart_message, ingest, message


def test_it_updates_the_carts_latest_battery_health_and_dock(fleet):
    ingest(cart_message(seq=1, soc=55.5, dock={"rack": "rack-01", "slot": 2}, health="degraded",
                        faults=["SCANNER_OFFLINE"]))

    cart = Cart.objects.select_related("state__dock_slot__rack").get(device_id="cart-001")
    state = cart.state
    assert (state.soc, state.charging, state.health, state.fault_codes) == (55.5, True, "degraded", ["SCANNER_OFFLINE"])
    assert (state.dock_slot.rack.device_id, state.dock_slot.number) == ("rack-01", 2)
    assert cart.online


def test_it_ignores_an_older_reading_delivered_late(fleet):
    ingest(cart_message(seq=5, soc=40.0, at=T0 + timedelta(minutes=5)))
    ingest(cart_message(seq=4, soc=90.0, at=T0))

    assert Cart.objects.get(device_id="cart-001").state.soc == 40.0


def test_it_records_which_cart_sits_in_which_rack_slot(fleet):
    slots = [{"slot": 1, "cart": "cart-002", "charging_current": 1.5}, {"slot": 2, "cart": None, "charging_current": 0},
             {"slot": 3, "cart": "cart-003", "charging_current": 2.0}, {"slot": 4, "cart": None, "charging_current": 0}]
    payload = {"schema": "rack.telemetry/1", "device": "rack-01", "boot_id": "r1", "seq": 0,
               "ts": "2026-11-22T10:00:00Z", "slots": slots, "health": {"state": "ok", "faults": []},
               "firmware": "2.1.0"}
    ingest(message("smartcart/store-001/rack/rack-01/telemetry", payload))

    docked = dict(Slot.objects.filter(rack__device_id="rack-01").values_list("number", "cart__device_id"))
    assert docked == {1: "cart-002", 2: None, 3: "cart-003", 4: None}
    assert Rack.objects.get(device_id="rack-01").firmware == "2.1.0"


def test_it_follows_online_and_last_will_status(fleet):
    status = {"schema": "status/1", "device": "cart-002", "boot_id": "b9", "firmware": "1.0.0"}
    topic = "smartcart/store-001/cart/cart-002/status"
    ingest(message(topic, {**status, "state": "online"}))
    assert Cart.objects.get(device_id="cart-002").online

    ingest(message(topic, {**status, "state": "offline", "boot_id": "stale-boot"}))
    assert Cart.objects.get(device_id="cart-002").online, "a Last Will from an old boot is ignored"

    ingest(message(topic, {**status, "state": "offline"}))
    assert not Cart.objects.get(device_id="cart-002").online


def test_a_second_worker_never_rolls_a_cart_back(fleet):
    ingest(cart_message(seq=5, soc=40.0, at=T0 + timedelta(minutes=5)))
    other_worker = DeviceDirectory()
    other_worker.carts["cart-001"][1] = None  # it has not seen the newer reading

    store_batch([cart_message(seq=4, soc=90.0, at=T0)], other_worker)

    assert Cart.objects.get(device_id="cart-001").state.soc == 40.0
