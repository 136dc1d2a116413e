"""`smartcart demo` as a person runs it on a fresh machine: embedded defaults, nothing configured."""

from __future__ import annotations

import base64
import json
import os
import signal

import httpx
import psutil
import pytest

from tests.e2e.demo_run import eventually, start_demo, stop_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path):
    # A generated key may start with "-": it must still reach the cloud as a value, not an option.
    (tmp_path / "store-key").write_text("-leading-dash-store-key-0123456789")
    proc, info = start_demo(tmp_path)
    yield proc, info
    stop_demo(proc)  # the test failed midway: stop the demo and every child it started


def live_pid(info: dict, name: str) -> int:
    """The pid demo.json names now (the demo rewrites it when it restarts a child)."""
    return json.loads((info["var"] / "demo.json").read_text())["processes"][name]


def test_the_demo_runs_a_store_the_cloud_watches_and_stops_on_sigterm(demo):
    proc, info = demo
    staff = httpx.Client(base_url=info["onprem_url"], headers={"Authorization": f"Bearer {info['tokens']['staff']}"})
    ops = httpx.Client(base_url=info["cloud_url"], headers={"Authorization": f"Bearer {info['tokens']['ops']}"})

    def batteries():
        carts = staff.get("/api/v1/carts/").json()["results"]
        socs = {c["device_id"]: c["battery"]["soc"] for c in carts if c["battery"]}
        return socs if len(socs) == 24 else None

    first = eventually(batteries, 60, "24 carts with battery readings")
    eventually(lambda: (now := batteries()) and now != first, 30, "battery readings change")
    store = eventually(lambda: (s := ops.get("/api/v1/stores/store-001/").json()).get("online") and s, 60,
                       "the cloud sees the store online")
    assert store["heartbeat"]["carts"]["total"] == 24
    down_the_chain(staff, ops, info)

    # The demo supervises its children: a killed ingest comes back and readings keep arriving.
    os.kill(info["processes"]["ingest"], signal.SIGKILL)
    restarted = eventually(lambda: (pid := live_pid(info, "ingest")) != info["processes"]["ingest"] and pid, 30,
                           "the demo restarts the killed ingest")
    assert psutil.pid_exists(restarted)
    after_kill = batteries()
    eventually(lambda: (now := batteries()) and now != after_kill, 60, "battery readings change after the restart")

    # A killed uplink: the cloud sees the tunnel drop (store offline), then the restarted uplink.
    before = ops.get("/api/v1/stores/store-001/").json()
    os.kill(info["processes"]["uplink"], signal.SIGKILL)
    eventually(lambda: (s := ops.get("/api/v1/stores/store-001/").json())["disconnected_at"]
               and s["disconnected_at"] > before["connected_at"], 60,
               "the cloud sees the store offline once the uplink is gone")
    eventually(lambda: (s := ops.get("/api/v1/stores/store-001/").json())["online"]
               and s["connected_at"] > s["disconnected_at"], 60,
               "the cloud sees the store online again once the demo restarted the uplink")
    console = (info["var"] / "logs" / "demo.log").read_text()
    assert "ingest exited (killed by SIGKILL); restarting it in 1 s" in console
    assert "uplink exited (killed by SIGKILL)" in console

    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def down_the_chain(staff: httpx.Client, ops: httpx.Client, info: dict) -> None:
    """What goes down: a staff command to a cart, a store command from the cloud, and the
    store's API and a rack page opened from the cloud through the store's tunnel."""
    sent = staff.post("/api/v1/carts/cart-001/commands/", json={"command": "locate", "args": {"seconds": 2}})
    assert sent.status_code == 202, sent.text
    done = eventually(lambda: (c := staff.get(f"/api/v1/commands/{sent.json()['id']}/").json())["state"]
                      in ("done", "failed", "rejected", "expired") and c, 30, "the cart answers the command")
    assert done["state"] == "done", done
    unknown = staff.post("/api/v1/carts/cart-001/commands/", json={"command": "self_destruct"})
    assert unknown.status_code == 400 and "self_destruct" in unknown.text

    ping = ops.post("/api/v1/stores/store-001/commands/", json={"name": "ping", "args": {}})
    assert ping.status_code == 202, ping.text
    answered = eventually(lambda: (c := ops.get(f"/api/v1/store-commands/{ping.json()['id']}/").json())["state"]
                          == "done" and c, 30, "the store answers the ping")
    assert answered["result"]["store"] == "store-001"

    carts = ops.get("/remote/store-001/api/v1/carts/")
    assert carts.status_code == 200 and carts.json()["count"] == 24
    rack_login = "Basic " + base64.b64encode(info["remote"]["rack_login"].encode()).decode()
    page = eventually(lambda: (r := ops.get(info["remote"]["rack_page"].removeprefix(info["cloud_url"]),
                                            headers={"X-SmartCart-Rack-Authorization": rack_login}))
                      .status_code == 200 and r, 30, "the rack page answers through the tunnel")
    assert "rack-04" in page.text
    eventually(lambda: {row["path"] for row in ops.get("/api/v1/remote-audit/", params={"store": "store-001"})
                        .json()["results"]} >= {"/api/v1/carts/", "/racks/rack-04/"}, 10,
               "both remote requests are in the audit")
