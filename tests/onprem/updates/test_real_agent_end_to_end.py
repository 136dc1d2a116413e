"""A real cart agent (python -m cart_agent, simulated hardware with A/B slots) updated by the
store: `manage.py updates` fetches the signed image from the cloud once, a rack forces the
update through the on-prem API, ingest carries ota.install and the cart's `ota` events over the
real broker, the agent downloads from the store with its own credentials, installs, reboots
into the new slot, passes its health check and commits; the job ends succeeded and the cart's
firmware is the new version."""

from __future__ import annotations

import base64
import subprocess
import sys

import httpx
import pytest

from onprem.fleet.models import CartState
from onprem.updates.models import Release, UpdateJob
from tests.agents.conftest import agent_env
from tests.conftest import ROOT, serve_daphne

from .cloud_stub import ArtifactCloud
from .conftest import announce, build, wait_until


def docked_and_charging() -> bool:
    return CartState.objects.filter(
        cart__device_id="cart-001", dock_slot__isnull=False, charging=True
    ).exists()


@pytest.mark.timeout(150)
def test_a_real_cart_agent_ends_on_the_release_a_rack_forced(
    store, server_env, ingest_process, mqtt_broker, store_id, tmp_path, settings
):
    # `store` first: its racks exist before ingest starts, as in a store (ingest reads the slots
    # of the racks it knows at start).
    manifest, artifact = build(store, tmp_path, "1.1.0", payload_bytes=200_000)
    started: list[subprocess.Popen] = []
    with ArtifactCloud(store=store_id, key="k-real") as cloud:
        cloud.files["/api/v1/releases/3/artifact/"] = artifact.read_bytes()
        env = {
            **server_env,
            "SMARTCART_VAR_DIR": str(settings.VAR_DIR),
            "SMARTCART_RELEASE_TRUST": str(settings.RELEASE_TRUST[0]),
            "SMARTCART_CLOUD_URL": cloud.url,
            "SMARTCART_CLOUD_STORE_KEY": "k-real",
            "SMARTCART_OTA_BATTERY_FLOOR": "0",
        }
        web, port = serve_daphne("onprem.asgi:application", env)
        env["SMARTCART_ONPREM_URL"] = f"http://127.0.0.1:{port}"
        try:
            started.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "updates", "--tick", "0.2"], cwd=ROOT, env=env
                )
            )
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "cart_agent"],
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    env=agent_env(
                        mqtt_broker["url"],
                        store_id,
                        "cart-001",
                        tmp_path / "cart-001.sqlite3",
                        trust=str(settings.RELEASE_TRUST[0]),
                        username="cart-001",
                        password=store["cart-001"],
                        # Seed 15 at 60x: the lone simulated cart docks (in one of rack-01's
                        # 4 slots) within a second and stays about 20 s.
                        seed="15",
                        speed="60",
                        home_rack_slots="4",
                    ),
                )
            )
            announce(manifest, cloud_id=3)
            wait_until(
                lambda: Release.objects.filter(artifact_state="cached").exists(), "image cached", 30
            )
            wait_until(docked_and_charging, "the simulated cart docked and charging", 30)

            rack = base64.b64encode(f"rack-01:{store['rack-01']}".encode()).decode()
            asked = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/carts/cart-001/update/",
                json={"version": "1.1.0"},
                headers={"Authorization": f"Basic {rack}"},
            )
            assert asked.status_code == 201, asked.text

            job = wait_until(
                lambda: UpdateJob.objects.filter(
                    state__in=("succeeded", "failed", "rolled_back")
                ).first(),
                "job finished",
                90,
            )
            wait_until(
                lambda: CartState.objects.filter(
                    cart__device_id="cart-001", firmware="1.1.0"
                ).exists(),
                "the cart's telemetry says 1.1.0",
                20,
            )
        finally:
            for proc in started:
                proc.terminate()
                proc.wait(20)
            web.terminate()
            web.wait(10)

    assert (job.state, job.reason, job.detail) == ("succeeded", "", "")
    states = list(job.transitions.values_list("to_state", flat=True))
    assert states[:2] == ["waiting", "sent"] and states[-1] == "succeeded"
    assert {"downloading", "verifying"} <= set(states)
    assert cloud.sent == artifact.stat().st_size  # one copy over the WAN
