"""The store serves bytes that are not the signed ones: the cart checks what it downloaded
against the signed size and sha256 before it writes a slot, fails the job with the reason at
once (no retrying for minutes), and keeps running its old version."""

from __future__ import annotations

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command


@pytest.mark.timeout(60)
def test_it_fails_a_truncated_or_bit_flipped_download(spawn_agent, listener, store, tmp_path):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", payload_bytes=100_000)
    data = artifact.read_bytes()
    short, flipped = tmp_path / "short.tar.gz", tmp_path / "flipped.tar.gz"
    short.write_bytes(data[:-1000])
    flipped.write_bytes(data[:5000] + bytes([data[5000] ^ 0x10]) + data[5001:])
    server = ArtifactServer()
    spawn_agent("cart_agent", "cart-009", trust=str(kit.public))
    listener.wait_for("cart-009", "status", lambda d: d["state"] == "online")
    cmd = f"smartcart/{store}/cart/cart-009/cmd"

    for n, (bad, code) in enumerate(((short, "size_mismatch"), (flipped, "sha256_mismatch"))):
        listener.send(cmd, install_command(f"c{n}", f"job-{n}", manifest, server.add(bad)))
        failed = listener.wait_for(
            "cart-009",
            "event",
            lambda d, job=f"job-{n}": (
                d["event"] == "ota" and d["data"]["job"] == job and d["data"]["state"] == "failed"
            ),
            timeout=10,
        )["data"]
        assert failed["reason"] == code and failed["running"] == "1.0.0"
    server.close()
    assert len(server.requests) == 2  # one fetch each: a bad file is not fetched again
    listener.wait_for("cart-009", "telemetry", lambda d: d["firmware"] == "1.0.0")
    ota_dir = tmp_path / "cart-009.sqlite3.ota"
    assert not (ota_dir / "download").exists() and not (ota_dir / "b").exists()
