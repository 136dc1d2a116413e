"""What the store sends is what the cloud stores: the cloud's heartbeat check, run on the store."""

from __future__ import annotations

from cloud.stores.heartbeats import clean_heartbeat
from onprem.fleet.services import provision_device
from onprem.uplink.services import build_heartbeat, clipped
from smartcart.tunnel_frames import MAX_HEARTBEAT_TEXT


def test_it_builds_a_heartbeat_the_cloud_accepts(db, store_id):
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    provision_device(kind="cart", device_id="cart-001")

    heartbeat = build_heartbeat()

    assert clean_heartbeat(heartbeat) == heartbeat


def test_it_clips_a_long_component_detail_to_what_the_cloud_accepts():
    long_error = "OperationalError: " + "connection refused " * 100

    part = clipped({"ok": False, "detail": long_error, "ms": 3.0})

    assert len(part["detail"]) == MAX_HEARTBEAT_TEXT and part["detail"].endswith("…")
    assert (
        clean_heartbeat(
            {
                "status": "degraded",
                "components": {"database": part},
                "fleet": {"error": long_error[:50]},
            }
        )["components"]["database"]["ok"]
        is False
    )
