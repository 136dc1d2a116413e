"""What the OTA end-to-end tests share: a real `smartcart demo` (as test_demo.py runs it, with
every port of its own and no past shopping to seed), a release built with the demo's key and
uploaded to the cloud as ops, and a campaign over the demo's store."""

from __future__ import annotations

from pathlib import Path

import httpx

from smartcart.release.build import build_release, sample_image
from tests.e2e.demo_run import eventually, free_ports, stop_demo
from tests.e2e.demo_run import start_demo as start_any_demo

STORE = "store-001"
__all__ = ["eventually", "free_ports", "stop_demo"]


def start_demo(var: Path):
    """The demo without past shopping to seed (the campaign needs only the fleet)."""
    return start_any_demo(var, "--history-days", "0")
ACTIVE = ("sent", "downloading", "installing", "rebooting", "verifying")


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
