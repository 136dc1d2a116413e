from __future__ import annotations

from .conftest import ingest, message


def test_it_lists_racks_with_slots_and_docked_carts(fleet, staff_api, django_assert_num_queries):
    slots = [{"slot": n, "cart": "cart-001" if n == 2 else None, "charging_current": 1.2 if n == 2 else 0}
             for n in range(1, 5)]
    ingest(message("smartcart/store-001/rack/rack-01/telemetry",
                   {"schema": "rack.telemetry/1", "device": "rack-01", "boot_id": "r", "seq": 1,
                    "ts": "2026-11-22T10:00:00Z", "slots": slots, "health": {"state": "ok", "faults": []},
                    "firmware": "2.0.0"}))

    with django_assert_num_queries(4):  # token + count + racks + slots with their carts
        body = staff_api.get("/api/v1/racks/").json()

    rack = body["results"][0]
    assert rack["device_id"] == "rack-01" and rack["docked"] == 1
    assert rack["slots"][1] == {"number": 2, "cart": "cart-001", "charging_current": 1.2,
                                "updated_at": rack["slots"][1]["updated_at"]}
