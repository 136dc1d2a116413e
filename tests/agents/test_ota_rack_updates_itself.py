"""A rack controller updates itself the way carts do, with releases for its own hardware."""

from __future__ import annotations

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command


@pytest.mark.timeout(60)
def test_it_installs_a_rack_release_and_refuses_a_cart_one(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    rack_release, rack_artifact = kit.release("2.0.0", hardware="rack-v1")
    cart_release, _ = kit.release("2.0.0", hardware="cart-v1")
    server = ArtifactServer()
    url = server.add(rack_artifact)
    spawn_agent("rack_agent", "rack-03", trust=str(kit.public), slots="4")
    first = listener.wait_for("rack-03", "status", lambda d: d["state"] == "online")
    assert first["firmware"] == "1.0.0"
    cmd = f"smartcart/{store}/rack/rack-03/cmd"

    listener.send(cmd, install_command("c1", "job-cart", cart_release, url))
    refused = listener.wait_for(
        "rack-03", "ack", lambda d: d["id"] == "c1" and d["state"] == "failed"
    )
    assert refused["result"]["error"].startswith("wrong_hardware: the release is for cart-v1")

    listener.send(cmd, install_command("c2", "job-rack", rack_release, url))
    done = listener.wait_for(
        "rack-03",
        "event",
        lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded",
        timeout=30,
    )
    server.close()
    assert done["data"]["job"] == "job-rack" and done["data"]["running"] == "2.0.0"
    listener.wait_for(
        "rack-03",
        "telemetry",
        lambda d: d["firmware"] == "2.0.0" and d["boot_id"] != first["boot_id"],
    )
