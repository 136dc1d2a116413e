"""A release whose own health check fails after the reboot: the cart rolls back to the slot it
ran before, by itself, says why, and reboots back into it."""

from __future__ import annotations

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command, ota_events
from tests.conftest import wait_until


@pytest.mark.timeout(60)
def test_it_rolls_back_to_the_old_slot_when_the_new_health_check_fails(
    spawn_agent, listener, store, tmp_path
):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", broken=True)
    server = ArtifactServer()
    spawn_agent("cart_agent", "cart-002", trust=str(kit.public))
    first = listener.wait_for("cart-002", "status", lambda d: d["state"] == "online")

    listener.send(
        f"smartcart/{store}/cart/cart-002/cmd",
        install_command("c1", "job-9", manifest, server.add(artifact)),
    )
    ended = listener.wait_for(
        "cart-002",
        "event",
        lambda d: d["event"] == "ota" and d["data"]["state"] == "rolled_back",
        timeout=30,
    )
    server.close()
    assert ended["data"]["reason"] == "healthcheck_failed"
    assert "exited 1" in ended["data"]["detail"] and "scanner driver" in ended["data"]["detail"]
    assert ended["data"]["version"] == "1.1.0" and ended["data"]["running"] == "1.0.0"
    events = {e["data"]["state"]: e for e in ota_events(listener, "cart-002")}
    assert "verifying" in events and "succeeded" not in events

    # Three boots: the old slot, the new one on trial (checked there), the old one again.
    boots = [first["boot_id"], events["verifying"]["boot_id"], ended["boot_id"]]
    assert events["rebooting"]["boot_id"] == first["boot_id"] and len(set(boots)) == 3
    last = listener.wait_for(
        "cart-002", "status", lambda d: d["state"] == "online" and d["boot_id"] == boots[-1]
    )
    assert last["firmware"] == "1.0.0"
    wait_until(
        lambda: any(
            d["boot_id"] == boots[-1] and d["firmware"] == "1.0.0"
            for _, d in listener.on("cart-002", "telemetry")
        ),
        "telemetry of the last boot on 1.0.0",
    )
    tried = [
        d["firmware"] for _, d in listener.on("cart-002", "telemetry") if d["boot_id"] == boots[1]
    ]
    assert set(tried) <= {"1.1.0"}  # while on trial the cart ran (and said it ran) 1.1.0
