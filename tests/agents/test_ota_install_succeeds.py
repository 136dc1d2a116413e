"""A cart agent (a real process on the real broker) takes ota.install: it downloads the artifact
with its own credentials, installs it, reboots into it and commits it."""

from __future__ import annotations

import base64

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command, ota_events
from tests.conftest import wait_until


@pytest.mark.timeout(60)
def test_it_installs_reboots_into_and_commits_a_new_release(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", payload_bytes=300_000)
    server = ArtifactServer()
    url = server.add(artifact)
    spawn_agent(
        "cart_agent", "cart-001", trust=str(kit.public), username="cart-001", password="pw-1"
    )
    first = listener.wait_for("cart-001", "status", lambda d: d["state"] == "online")
    assert first["firmware"] == "1.0.0"

    listener.send(
        f"smartcart/{store}/cart/cart-001/cmd",
        install_command("c1", "job-7", manifest, url),
    )
    ack = listener.wait_for(
        "cart-001", "ack", lambda d: d["id"] == "c1" and d["state"] != "accepted"
    )
    assert ack["state"] == "done" and ack["result"] == {"job": "job-7", "accepted": True}
    done = listener.wait_for(
        "cart-001",
        "event",
        lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded",
        timeout=30,
    )
    assert done["data"] == {
        "job": "job-7",
        "state": "succeeded",
        "version": "1.1.0",
        "running": "1.1.0",
    }
    server.close()

    events = ota_events(listener, "cart-001")
    states = [e["data"]["state"] for e in events]
    assert dedupe(states) == ["downloading", "installing", "rebooting", "verifying", "succeeded"]
    percents = [e["data"]["percent"] for e in events if e["data"]["state"] == "downloading"]
    assert percents[0] == 0 and percents[-1] == 100 and percents == sorted(percents)

    # The reboot: a new boot id, announced online with the new firmware, telemetry follows.
    again = listener.wait_for(
        "cart-001", "status", lambda d: d["state"] == "online" and d["firmware"] == "1.1.0"
    )
    assert again["boot_id"] != first["boot_id"]
    wait_until(
        lambda: any(
            d["firmware"] == "1.1.0" and d["boot_id"] == again["boot_id"]
            for _, d in listener.on("cart-001", "telemetry")
        ),
        "telemetry from the new boot with the new firmware",
    )
    verifying = next(e for e in events if e["data"]["state"] == "verifying")
    assert verifying["boot_id"] == again["boot_id"]  # checked after the reboot, in the new slot

    # The store knows the device by its MQTT credentials: the download carries them.
    expected = "Basic " + base64.b64encode(b"cart-001:pw-1").decode()
    assert [r["Authorization"] for r in server.requests] == [expected]


def dedupe(states: list[str]) -> list[str]:
    return [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
