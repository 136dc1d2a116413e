"""A job the cart already ran, sent again under another command id (the store retried after
losing the ack): nothing is downloaded or installed twice, and the cart says again how it ended."""

from __future__ import annotations

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command, ota_events


@pytest.mark.timeout(60)
def test_it_answers_a_repeated_job_with_how_it_ended(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0")
    server = ArtifactServer()
    url = server.add(artifact)
    spawn_agent("cart_agent", "cart-008", trust=str(kit.public))
    listener.wait_for("cart-008", "status", lambda d: d["state"] == "online")
    cmd = f"smartcart/{store}/cart/cart-008/cmd"
    listener.send(cmd, install_command("c1", "job-1", manifest, url))
    listener.wait_for(
        "cart-008", "event", lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded"
    )

    listener.send(cmd, install_command("c2", "job-1", manifest, url))
    again = listener.wait_for("cart-008", "ack", lambda d: d["id"] == "c2" and d["state"] == "done")
    assert again["result"] == {"job": "job-1", "accepted": False, "state": "succeeded"}
    listener.wait_for(
        "cart-008",
        "event",
        lambda d: (
            d["event"] == "ota"
            and d["data"]["state"] == "succeeded"
            and sum(e["data"]["state"] == "succeeded" for e in ota_events(listener, "cart-008"))
            == 2
        ),
    )
    server.close()
    assert len(server.requests) == 1
    states = [e["data"]["state"] for e in ota_events(listener, "cart-008")]
    assert states.count("installing") == 1 and states.count("rebooting") == 1
