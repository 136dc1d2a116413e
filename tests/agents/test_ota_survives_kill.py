"""Cut points: 30 kill -9s of real cart agent processes while they download, install, reboot
into, check and commit (or roll back) a release. After each kill the agent is started again;
every cart ends on the old or the new version, complete, and says which in an `ota` event.

Six carts run at once, five kills each: right after the command is accepted, then aimed at the
stages in turn (the download, the install and switch, twice while the new slot is on trial,
where each kill costs the trial slot one of its boots); two of the six get a release whose
health check fails, so the roll back is cut too."""

from __future__ import annotations

import json
import random
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.agents.ota_kit import ArtifactServer, ReleaseKit, install_command, ota_events
from tests.conftest import wait_until

SLOW_CHECK = "#!/bin/sh\n# a self-test that takes a moment: room for a kill\nsleep 0.4\nexit {}\n"
STAGES = ["downloading", "installing", "rebooting", "verifying", "committing", "rolling_back"]
FINAL = ("succeeded", "failed", "rolled_back")
# Where each of a cart's five kills is aimed, and how long after reaching it (at most) it lands.
AIMS = [("downloading", 0.5), ("installing", 0.01), ("verifying", 0.35), ("verifying", 0.5)]


def stage_of(ota_dir: Path) -> str:
    try:
        return json.loads((ota_dir / "job.json").read_text())["stage"]
    except (FileNotFoundError, ValueError, KeyError):
        return ""


def reached(stage: str, aim: str) -> bool:
    if stage in FINAL:
        return True
    return stage in STAGES and STAGES.index(stage) >= STAGES.index(aim)


def cut(spawn, device: str, ota_dir: Path, rng: random.Random, env: dict) -> list[str]:
    """Kill the running agent at each aim in turn and start it again; the stages hit."""
    agent, hits = spawn(device), []
    for aim, jitter in AIMS:
        deadline = time.monotonic() + 40
        while not reached(stage_of(ota_dir), aim):  # a close watch: the install takes ms
            assert time.monotonic() < deadline, f"{device} never reached {aim}"
            time.sleep(0.002)
        time.sleep(rng.uniform(0, jitter))
        hits.append(stage_of(ota_dir))
        agent.send_signal(signal.SIGKILL)
        agent.wait(10)
        agent = spawn(device)
    return hits


def on_disk(ota_dir: Path) -> str:
    """The version the slots would boot, checked to be a complete slot."""
    state = json.loads((ota_dir / "slots.json").read_text())
    assert state["trying"] is None, state
    slot = ota_dir / state["active"]
    version = (slot / "VERSION").read_text().strip()
    if version != "1.0.0":  # an installed slot: every part of it is there
        assert (slot / "healthcheck").stat().st_mode & 0o100
        assert json.loads((slot / "manifest.json").read_text())["version"] == version
    return version


@pytest.mark.timeout(170)
def test_it_ends_on_the_old_or_the_new_version_whenever_it_is_killed(
    spawn_agent, listener, store, tmp_path
):
    kit = ReleaseKit(tmp_path)
    good, good_artifact = kit.release(
        "1.1.0", payload_bytes=300_000, healthcheck=SLOW_CHECK.format(0)
    )
    broken, broken_artifact = kit.release(
        "1.1.0", payload_bytes=300_000, healthcheck=SLOW_CHECK.format(1)
    )
    server = ArtifactServer(bytes_per_second=250_000)  # about 1.2 s per full download
    urls = {"good": server.add(good_artifact), "broken": server.add(broken_artifact)}
    carts = {f"cart-0{n}": ("broken" if n in (2, 5) else "good") for n in range(1, 7)}
    env = {"trust": str(kit.public), "interval": "0.1"}
    seed = random.randrange(10**6)  # in every failure message: the run can be replayed

    def run(device: str) -> list[str]:
        rng = random.Random(f"{seed}-{device}")
        ota_dir = tmp_path / f"{device}.sqlite3.ota"
        spawn = lambda d: spawn_agent("cart_agent", d, **env)  # noqa: E731
        first = spawn(device)
        listener.wait_for(device, "status", lambda d: d["state"] == "online", timeout=30)
        manifest = good if carts[device] == "good" else broken
        listener.send(
            f"smartcart/{store}/cart/{device}/cmd",
            install_command("c1", "job-1", manifest, urls[carts[device]]),
        )
        wait_until(lambda: stage_of(ota_dir), f"{device} accepted the job", 20)
        first.send_signal(signal.SIGKILL)  # kill 0 lands right after the accept
        first.wait(10)
        return ["accepted", *cut(spawn, device, ota_dir, rng, env)]

    with ThreadPoolExecutor(len(carts)) as pool:
        hits = dict(zip(carts, pool.map(run, carts), strict=True))
    assert sum(len(h) for h in hits.values()) == 30

    for device, kind in carts.items():
        ota_dir = tmp_path / f"{device}.sqlite3.ota"
        ended = listener.wait_for(
            device,
            "event",
            lambda d: d["event"] == "ota" and d["data"]["state"] in FINAL,
            timeout=40,
        )["data"]
        expected = "1.1.0" if ended["state"] == "succeeded" else "1.0.0"
        assert ended["running"] == expected, (seed, device, ended, hits[device])
        if kind == "broken":
            assert (ended["state"], ended["reason"]) == ("rolled_back", "healthcheck_failed")
        elif ended["state"] != "succeeded":  # each kill on trial costs the new slot a boot
            assert (ended["state"], ended["reason"]) == ("rolled_back", "interrupted")
        seen = len(listener.on(device, "telemetry"))
        wait_until(
            lambda d=device, n=seen: len(listener.on(d, "telemetry")) > n, f"{device} telemetry"
        )
        assert listener.on(device, "telemetry")[-1][1]["firmware"] == expected
        assert on_disk(ota_dir) == expected, (seed, device, hits[device])
        assert not list(ota_dir.glob("*.new")) and not (ota_dir / "download").exists()
        assert {e["data"]["job"] for e in ota_events(listener, device)} == {"job-1"}
    server.close()
    all_hits = [stage for h in hits.values() for stage in h]
    assert {"downloading", "verifying"} <= set(all_hits), all_hits
