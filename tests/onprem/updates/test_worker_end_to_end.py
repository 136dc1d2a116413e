"""The whole store path across real processes: `manage.py updates` fetches the image from the
cloud (a stand-in HTTP server) once, a rack forces an update of its cart through the on-prem
API (daphne), the worker sends ota.install through ingest over the real broker, the cart (a
scripted MQTT device speaking the wire protocol) downloads the image from the store with its own
credentials and reports its steps, and the job ends succeeded. SIGTERM stops the worker cleanly."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import threading
from datetime import UTC, datetime

import httpx
import pytest

from onprem.updates.models import Release, UpdateJob
from tests.conftest import ROOT, serve_daphne
from tests.onprem.alerts.conftest import publisher

from .cloud_stub import ArtifactCloud
from .conftest import announce, build, wait_until


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ScriptedCart:
    """cart-001 on the wire: docked and charging; takes ota.install, fetches the image with
    Basic auth (in two Range requests, as after a cut) and reports each step."""

    def __init__(self, broker: dict, store: str, password: str) -> None:
        self.base = f"smartcart/{store}/cart/cart-001"
        self.password, self.seq, self.firmware = password, 0, "1.0.0"
        self.fetched: list[tuple[int, bytes]] = []
        self.client = publisher(broker)
        self.client.on_message = self.on_message
        self.client.subscribe(f"{self.base}/cmd", qos=1)

    def send(self, channel: str, body: dict) -> None:
        self.seq += 1
        body = {"device": "cart-001", "boot_id": "boot-e2e", "seq": self.seq, "ts": now(), **body}
        self.client.publish(f"{self.base}/{channel}", json.dumps(body), qos=1)

    def telemetry(self) -> None:
        """The rack's reading (the cart in its slot 1), then the cart's own."""
        rack = {
            "schema": "rack.telemetry/1",
            "device": "rack-01",
            "boot_id": "boot-r",
            "seq": self.seq,
            "ts": now(),
            "slots": [{"slot": 1, "cart": "cart-001", "charging_current": 1.5}],
            "health": {"state": "ok", "faults": []},
            "firmware": "1.0.0",
        }
        self.client.publish(
            self.base.replace("cart/cart-001", "rack/rack-01/telemetry"), json.dumps(rack), qos=1
        )
        self.send(
            "telemetry",
            {
                "schema": "cart.telemetry/1",
                "firmware": self.firmware,
                "battery": {"soc": 85.0, "voltage": 25.1, "temperature": 27.0, "charging": True},
                "health": {"state": "ok", "faults": []},
                "dock": {"rack": "rack-01", "slot": 1},
            },
        )

    def on_message(self, client, userdata, msg) -> None:
        command = json.loads(msg.payload)
        if command["command"] != "ota.install":
            return
        args = command["args"]
        threading.Thread(target=self.install, args=(command["id"], args), daemon=True).start()

    def install(self, command_id: str, args: dict) -> None:
        ack = {"schema": "ack/1", "id": command_id, "device": "cart-001", "ts": now()}
        self.client.publish(
            f"{self.base}/ack",
            json.dumps({**ack, "state": "done", "result": {"job": args["job"], "accepted": True}}),
            qos=1,
        )
        event = {
            "job": args["job"],
            "version": args["manifest"]["version"],
            "running": self.firmware,
        }
        self.send(
            "event",
            {
                "schema": "event/1",
                "event": "ota",
                "data": {**event, "state": "downloading", "percent": 0},
            },
        )
        auth = base64.b64encode(f"cart-001:{self.password}".encode()).decode()
        half = args["manifest"]["size"] // 2
        for wanted in (f"bytes=0-{half - 1}", f"bytes={half}-"):
            answer = httpx.get(
                args["url"], headers={"Authorization": f"Basic {auth}", "Range": wanted}, timeout=10
            )
            self.fetched.append((answer.status_code, answer.content))
        data = b"".join(body for _, body in self.fetched)
        assert hashlib.sha256(data).hexdigest() == args["manifest"]["sha256"]
        for state in ("installing", "rebooting", "verifying"):
            self.send(
                "event", {"schema": "event/1", "event": "ota", "data": {**event, "state": state}}
            )
        self.firmware = args["manifest"]["version"]
        self.send(
            "event",
            {
                "schema": "event/1",
                "event": "ota",
                "data": {**event, "state": "succeeded", "running": self.firmware},
            },
        )
        self.telemetry()

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.mark.timeout(120)
def test_a_rack_forced_update_reaches_succeeded_through_the_worker(
    server_env, ingest_process, mqtt_broker, store, store_id, tmp_path, settings
):
    manifest, artifact = build(store, tmp_path, "1.1.0", payload_bytes=300_000)
    data = artifact.read_bytes()
    with ArtifactCloud(store=store_id, key="k-e2e") as cloud:
        cloud.files["/api/v1/releases/3/artifact/"] = data
        env = {
            **server_env,
            "SMARTCART_VAR_DIR": str(settings.VAR_DIR),
            "SMARTCART_RELEASE_TRUST": str(settings.RELEASE_TRUST[0]),
            "SMARTCART_CLOUD_URL": cloud.url,
            "SMARTCART_CLOUD_STORE_KEY": "k-e2e",
        }
        web, port = serve_daphne("onprem.asgi:application", env)
        env["SMARTCART_ONPREM_URL"] = f"http://127.0.0.1:{port}"
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "updates", "--tick", "0.2"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        cart = ScriptedCart(mqtt_broker, store_id, store["cart-001"])
        try:
            announce(manifest, cloud_id=3)
            wait_until(
                lambda: Release.objects.filter(artifact_state="cached").exists(), "image cached", 30
            )
            wait_until(lambda: _docked() or cart.telemetry(), "cart docked", 20)

            rack = base64.b64encode(f"rack-01:{store['rack-01']}".encode()).decode()
            asked = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/carts/cart-001/update/",
                json={"version": "1.1.0"},
                headers={"Authorization": f"Basic {rack}"},
            )
            assert asked.status_code == 201, asked.text

            job = wait_until(
                lambda: UpdateJob.objects.filter(state="succeeded").first(), "job succeeded", 60
            )
        finally:
            cart.close()
            worker.terminate()
            _, errors = worker.communicate(timeout=20)
            web.terminate()
            web.wait(10)

    assert worker.returncode == 0, errors[-2000:]
    assert "updates worker stopped" in errors
    assert [status for status, _ in cart.fetched] == [206, 206]
    assert b"".join(body for _, body in cart.fetched) == data
    assert cloud.sent == len(data)  # fetched from the cloud exactly once
    assert list(job.transitions.values_list("to_state", "by")) == [
        ("waiting", "rack:rack-01"),
        ("sent", "worker"),
        ("downloading", "cart:cart-001"),
        ("installing", "cart:cart-001"),
        ("rebooting", "cart:cart-001"),
        ("verifying", "cart:cart-001"),
        ("succeeded", "cart:cart-001"),
    ]
    assert (job.from_version, job.release.version, job.percent) == ("1.0.0", "1.1.0", 100)


def _docked() -> bool:
    from onprem.fleet.models import CartState

    return CartState.objects.filter(cart__device_id="cart-001", dock_slot__isnull=False).exists()
