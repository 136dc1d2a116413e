from __future__ import annotations

from onprem.fleet.services import fleet_summary, provision_device
from onprem.uplink.services import build_heartbeat


def test_it_reports_components_and_fleet_counts(db, store_id):
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")

    heartbeat = build_heartbeat()

    assert heartbeat["store"] == store_id
    assert set(heartbeat["components"]) == {"database", "cache", "broker", "ingest", "erp", "cashless", "disk"}
    assert heartbeat["components"]["database"]["ok"] is True
    assert set(heartbeat["components"]["ingest"]) >= {"lag_ms", "last_flush_age_s"}
    assert heartbeat["fleet"] == fleet_summary()
    assert heartbeat["fleet"]["carts"]["total"] == 3 and heartbeat["fleet"]["carts"]["offline"] == 3
    assert heartbeat["fleet"]["racks"] == {"total": 1, "online": 0, "offline": 1}


def test_it_says_degraded_when_a_component_is_down(db, store_id):
    # No ingest has run in this test, so its component is down and the store is not "ok".
    heartbeat = build_heartbeat()

    assert heartbeat["components"]["ingest"]["ok"] is False
    assert heartbeat["status"] == "degraded"
