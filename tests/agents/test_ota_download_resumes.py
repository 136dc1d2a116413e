"""A download cut midway resumes from the bytes the cart already has (HTTP Range), whether
the connection dropped or the agent itself was killed and restarted."""

from __future__ import annotations

import signal

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command
from tests.conftest import wait_until

CUT = 150_000


def succeeded(listener, device: str, timeout: float = 30) -> dict:
    return listener.wait_for(
        device,
        "event",
        lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded",
        timeout=timeout,
    )


@pytest.mark.timeout(60)
def test_it_resumes_a_download_the_server_cut_midway(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", payload_bytes=400_000)
    server = ArtifactServer(cut_after=CUT)
    url = server.add(artifact)
    spawn_agent("cart_agent", "cart-006", trust=str(kit.public))
    listener.wait_for("cart-006", "status", lambda d: d["state"] == "online")

    listener.send(
        f"smartcart/{store}/cart/cart-006/cmd", install_command("c1", "job-1", manifest, url)
    )
    assert succeeded(listener, "cart-006")["data"]["running"] == "1.1.0"
    server.close()
    assert "Range" not in server.requests[0]
    assert [r.get("Range") for r in server.requests[1:]] == [f"bytes={CUT}-"]


@pytest.mark.timeout(60)
def test_it_resumes_a_download_after_the_agent_was_killed(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", payload_bytes=400_000)
    server = ArtifactServer(bytes_per_second=200_000)  # two seconds of download
    url = server.add(artifact)
    part = tmp_path / "cart-007.sqlite3.ota" / "download" / f"{manifest['sha256']}.part"
    agent = spawn_agent("cart_agent", "cart-007", trust=str(kit.public))
    listener.wait_for("cart-007", "status", lambda d: d["state"] == "online")
    listener.send(
        f"smartcart/{store}/cart/cart-007/cmd", install_command("c1", "job-1", manifest, url)
    )
    wait_until(lambda: part.exists() and part.stat().st_size > 100_000, "part of the download")
    agent.send_signal(signal.SIGKILL)
    agent.wait(10)
    had = part.stat().st_size

    spawn_agent("cart_agent", "cart-007", trust=str(kit.public))
    assert succeeded(listener, "cart-007")["data"]["running"] == "1.1.0"
    server.close()
    assert len(server.requests) == 2
    resumed_from = int(server.requests[1]["Range"].removeprefix("bytes=").rstrip("-"))
    assert 100_000 < resumed_from == had < manifest["size"]
