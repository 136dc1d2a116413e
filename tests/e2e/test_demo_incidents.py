"""The demo as ops see it: the store's ingest stops, one incident opens and one signed webhook
arrives within the grace + 30 s; it starts again, the incident resolves and a second webhook
says so. Nothing else opens on a healthy demo."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.e2e.demo_run import eventually, start_demo, stop_demo

pytestmark = pytest.mark.e2e
GRACE = 20  # the demo's SMARTCART_INCIDENT_GRACE_SECONDS
SECRET = "e2e-webhook-secret-0123456789abcdef"


class Receiver:
    def __init__(self):
        self.hooks: list[tuple[float, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                assert self.headers["X-SmartCart-Signature"] == signed
                receiver.hooks.append((time.monotonic(), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, problem: str) -> list[str]:
        return [h["event"] for _, h in self.hooks if h["incident"]["problem"] == problem]


@pytest.fixture
def demo(tmp_path):
    proc, info = start_demo(tmp_path)
    receiver = Receiver()
    yield info, receiver
    receiver.server.shutdown()
    stop_demo(proc)


def incidents(ops: httpx.Client, **query) -> list[dict]:
    return ops.get("/api/v1/incidents/", params=query).json()["results"]


def test_a_stopped_ingest_opens_one_incident_and_one_webhook_then_resolves(demo):
    info, receiver = demo
    ops = httpx.Client(
        base_url=info["cloud_url"], headers={"Authorization": f"Bearer {info['tokens']['ops']}"}
    )
    channel = {"name": "e2e", "kind": "webhook", "target": receiver.url, "secret": SECRET}
    assert ops.post("/api/v1/notification-channels/", json=channel).status_code == 201
    eventually(
        lambda: ops.get("/api/v1/stores/store-001/").json().get("online"), 90, "store online"
    )
    time.sleep(GRACE + 10)  # whatever was bad while the demo started has had time to show
    before = {i["id"] for i in incidents(ops)}
    print("incidents while the demo started:", [(i["problem"], i["state"]) for i in incidents(ops)])

    ingest = info["processes"]["ingest"]
    os.kill(ingest, signal.SIGSTOP)  # stopped, not exited: the demo would restart an exit
    stopped_at = time.monotonic()
    try:
        [incident] = eventually(
            lambda: incidents(ops, problem="component:ingest", state="open"),
            GRACE + 60,
            "the ingest incident",
        )
        eventually(lambda: receiver.events("component:ingest"), 30, "the opened webhook")
        took = receiver.hooks[-1][0] - stopped_at
        print(f"stopped ingest: webhook after {took:.1f} s (goal: grace {GRACE} + 30 s)")
        assert took < GRACE + 30
    finally:
        os.kill(ingest, signal.SIGCONT)

    eventually(
        lambda: ops.get(f"/api/v1/incidents/{incident['id']}/").json()["state"] == "resolved",
        120,
        "the incident resolved",
    )
    eventually(lambda: "resolved" in receiver.events("component:ingest"), 30, "resolved webhook")
    assert receiver.events("component:ingest") == ["opened", "resolved"]
    events = ops.get(f"/api/v1/incidents/{incident['id']}/").json()["events"]
    assert [e["kind"] for e in events][0] == "opened" and events[-1]["kind"] == "resolved"
    others = [i for i in incidents(ops) if i["id"] not in before and i["id"] != incident["id"]]
    assert others == [], others


def live_pid(info: dict, name: str) -> int:
    return json.loads((info["var"] / "demo.json").read_text())["processes"][name]


def test_an_uplink_stopped_and_started_eight_times_gives_one_flapping_incident(demo):
    info, receiver = demo
    ops = httpx.Client(
        base_url=info["cloud_url"], headers={"Authorization": f"Bearer {info['tokens']['ops']}"}
    )
    channel = {"name": "e2e", "kind": "webhook", "target": receiver.url, "secret": SECRET}
    assert ops.post("/api/v1/notification-channels/", json=channel).status_code == 201
    online = lambda: ops.get("/api/v1/stores/store-001/").json().get("online")  # noqa: E731

    for _ in range(8):
        started = time.monotonic()
        eventually(online, 60, "the store back online")
        os.kill(live_pid(info, "uplink"), signal.SIGTERM)  # the demo starts it again
        time.sleep(max(0.0, 15 - (time.monotonic() - started)))
    eventually(online, 60, "the store back online")
    time.sleep(5)  # the monitor's next sweeps and deliveries

    [incident] = incidents(ops, problem="component:uplink")
    assert incident["flapping"] and incident["state"] == "open"
    assert receiver.events("component:uplink") == ["opened"]
    assert len(receiver.hooks) <= 3
