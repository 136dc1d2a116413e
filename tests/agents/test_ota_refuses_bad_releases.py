"""A cart refuses a release it cannot trust before it fetches a byte of it: the command fails
with the reason code first, an `ota` event says failed with that reason, and the cart keeps
running what it ran."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command, ota_events


def ask(listener, store: str, device: str, command_id: str, args: tuple) -> dict:
    listener.send(f"smartcart/{store}/cart/{device}/cmd", install_command(command_id, *args))
    return listener.wait_for(
        device, "ack", lambda d: d["id"] == command_id and d["state"] != "accepted"
    )


@pytest.mark.timeout(60)
def test_it_refuses_tampered_untrusted_foreign_old_and_expired_releases(
    spawn_agent, listener, store, tmp_path
):
    kit, stranger = ReleaseKit(tmp_path / "ours"), ReleaseKit(tmp_path / "theirs")
    server = ArtifactServer()
    good, artifact = kit.release("1.2.0")
    url = server.add(artifact)
    rack_release, _ = kit.release("1.2.0", hardware="rack-v1")
    same, _ = kit.release("1.0.0")
    expired, _ = kit.release("1.3.0", created=datetime.now(UTC) - timedelta(days=31))
    theirs, _ = stranger.release("1.2.0")
    cases = {
        "bad_signature": ({**good, "version": "1.9.0"}, url),
        "unknown_key": (theirs, url),
        "wrong_hardware": (rack_release, url),
        "not_newer": (same, url),
        "expired": (expired, url),
        "malformed": ({k: v for k, v in good.items() if k != "sha256"}, url),
    }
    spawn_agent("cart_agent", "cart-003", trust=str(kit.public))
    listener.wait_for("cart-003", "status", lambda d: d["state"] == "online")

    for n, (code, (manifest, where)) in enumerate(cases.items()):
        ack = ask(listener, store, "cart-003", f"c{n}", (f"job-{code}", manifest, where))
        assert ack["state"] == "failed", code
        assert ack["result"]["error"].startswith(f"{code}: "), ack["result"]
    bad_url = ask(listener, store, "cart-003", "c-url", ("job-url", good, "ftp://store/a"))
    assert bad_url["result"]["error"].startswith("malformed: url")

    listener.wait_for(
        "cart-003", "event", lambda d: d["event"] == "ota" and d["data"]["job"] == "job-url"
    )
    failed = {e["data"]["job"]: e["data"] for e in ota_events(listener, "cart-003")}
    for code in cases:
        assert failed[f"job-{code}"]["state"] == "failed"
        assert failed[f"job-{code}"]["reason"] == code
        assert failed[f"job-{code}"]["running"] == "1.0.0"
    assert failed["job-expired"]["version"] == "1.3.0"
    assert server.requests == []  # nothing refused was ever downloaded
    latest = listener.on("cart-003", "telemetry")[-1][1]
    assert latest["firmware"] == "1.0.0"
    server.close()


@pytest.mark.timeout(60)
def test_it_refuses_everything_when_it_trusts_no_key_and_a_second_job_while_busy(
    spawn_agent, listener, store, tmp_path
):
    kit = ReleaseKit(tmp_path)
    manifest, artifact = kit.release("1.1.0", payload_bytes=200_000)
    slow = ArtifactServer(bytes_per_second=100_000)  # two seconds of download
    url = slow.add(artifact)
    spawn_agent("cart_agent", "cart-004")  # no trust key configured
    spawn_agent("cart_agent", "cart-005", trust=str(kit.public))
    listener.wait_for("cart-004", "status", lambda d: d["state"] == "online")
    listener.wait_for("cart-005", "status", lambda d: d["state"] == "online")

    untrusting = ask(listener, store, "cart-004", "c1", ("job-1", manifest, url))
    assert untrusting["result"]["error"].startswith("unknown_key: key ")
    assert "trusted: none" in untrusting["result"]["error"]

    assert ask(listener, store, "cart-005", "c2", ("job-2", manifest, url))["state"] == "done"
    busy = ask(listener, store, "cart-005", "c3", ("job-3", manifest, url))
    assert busy["state"] == "failed"
    assert busy["result"]["error"] == "busy: job job-2 is running"
    listener.wait_for(
        "cart-005",
        "event",
        lambda d: d["event"] == "ota" and d["data"]["state"] == "succeeded",
        timeout=30,
    )
    assert {e["data"]["job"] for e in ota_events(listener, "cart-005")} == {"job-2"}
    slow.close()
