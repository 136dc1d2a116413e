"""What the OTA end-to-end tests share: a real `smartcart demo` (as test_demo.py runs it, with
every port of its own and no past shopping to seed), a release built with the demo's key and
uploaded to the cloud as ops, and a campaign over the demo's store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from smartcart.release.build import build_release, sample_image
from tests.conftest import ROOT, free_port

STORE = "store-001"
ACTIVE = ("sent", "downloading", "installing", "rebooting", "verifying")


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the simulated racks' pages)."""
    for _ in range(50):
        first = free_port()
        if all(port_free(first + n) for n in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_demo(var: Path) -> tuple[subprocess.Popen, dict]:
    """The demo on free ports; (process, demo.json plus "var") once it wrote demo.json."""
    ports = {
        flag: free_port()
        for flag in (
            "--onprem-port",
            "--cloud-port",
            "--mqtt-port",
            "--erp-port",
            "--cashless-port",
            "--rack-page-port",
        )
    }
    ports["--rack-pages-port"] = free_ports(3)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))
    }
    argv = [sys.executable, "-m", "smartcart.cli", "demo", "--var", str(var), "--history-days", "0"]
    for flag, port in ports.items():
        argv += [flag, str(port)]
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    summary = var / "demo.json"
    deadline = time.monotonic() + 120
    while not summary.exists():
        assert proc.poll() is None, f"demo exited: {proc.stdout.read()}"
        assert time.monotonic() < deadline, "demo did not write demo.json in 120 s"
        time.sleep(0.5)
    return proc, {**json.loads(summary.read_text()), "var": var}


def stop_demo(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    for child in children:
        if child.is_running():
            child.kill()


def clients(info: dict) -> tuple[httpx.Client, httpx.Client]:
    """(ops on the cloud, staff on the store), with their demo tokens."""
    ops = httpx.Client(
        base_url=info["cloud_url"],
        headers={"Authorization": f"Bearer {info['tokens']['ops']}"},
        timeout=30,
    )
    staff = httpx.Client(
        base_url=info["onprem_url"],
        headers={"Authorization": f"Bearer {info['tokens']['staff']}"},
        timeout=30,
    )
    return ops, staff


def eventually(check, timeout: float, what: str, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")


def ready(ops: httpx.Client, staff: httpx.Client) -> None:
    """The store online at the cloud, its 24 carts reporting, and the factory release cached."""
    eventually(
        lambda: ops.get(f"/api/v1/stores/{STORE}/").json().get("online"), 90, "the store online"
    )
    eventually(
        lambda: len([c for c in carts(staff) if c["firmware"] == "1.0.0"]) == 24,
        90,
        "24 carts reporting firmware 1.0.0",
    )
    eventually(
        lambda: any(
            r["version"] == "1.0.0" and r["artifact_state"] == "cached"
            for r in staff.get("/api/v1/updates/releases/?hardware=cart-v1").json()["results"]
        ),
        60,
        "the store cached the factory release",
    )


def carts(staff: httpx.Client) -> list[dict]:
    return staff.get("/api/v1/carts/", params={"limit": 500}).json()["results"]


def upload(
    ops: httpx.Client,
    info: dict,
    tmp: Path,
    version: str,
    *,
    broken: bool = False,
    channel: str = "stable",
) -> dict:
    """A cart-v1 release signed with the demo's key (demo.json's release_key), uploaded as ops."""
    image = sample_image(version=version, out=tmp / f"image-{version}.tar.gz", broken=broken)
    manifest, artifact = build_release(
        image=image,
        version=version,
        hardware="cart-v1",
        channel=channel,
        expires_days=30,
        key=Path(info["release_key"]),
        out=tmp / "release",
    )
    with manifest.open("rb") as m, artifact.open("rb") as a:
        answer = ops.post("/api/v1/releases/", files={"manifest": m, "artifact": a})
    assert answer.status_code == 201, answer.text
    return answer.json()


def start_campaign(
    ops: httpx.Client, release: int, phases: list[dict], max_failure_percent: float
) -> dict:
    answer = ops.post(
        "/api/v1/campaigns/",
        json={
            "release": release,
            "stores": [STORE],
            "phases": phases,
            "max_failure_percent": max_failure_percent,
            "approval": False,
            "window": None,
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def jobs(staff: httpx.Client) -> list[dict]:
    return staff.get("/api/v1/updates/jobs/", params={"limit": 500}).json()["results"]
