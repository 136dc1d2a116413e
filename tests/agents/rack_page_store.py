"""Fixtures of the rack page tests that cross the store: the on-prem API under daphne (with
ingest, on the test's database and broker) and a simulated store (`smartcart simulate`) whose
rack-01 serves its technician page with the force-update form. Test files take them with
`store_with_a_release, rack_page = rack_page_store.store_with_a_release, rack_page_store.rack_page`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest

from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate
from tests.conftest import ROOT, free_port, serve_daphne, wait_for_port, wait_until

PASSWORD, PIN = "rack-page-secret", "2468"


def notice(page: httpx.Response) -> str:
    """The sentence the page shows after a form was posted."""
    found = re.search(r'<p class="notice (?:ok|refused)"[^>]*>(.*?)</p>', page.text)
    assert found, f"no notice on the page: {page.text[:500]}"
    return found[1].replace("&#x27;", "'")


def form_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found, f"no form on the page: {page.text[:500]}"
    return found[1]


@pytest.fixture
def store_with_a_release(server_env, tmp_path):
    """rack-01 (6 slots), cart-001..004 provisioned; release cart-v1 1.1.0 (testing) known."""
    from django.test import override_settings

    from onprem.fleet.services import provision_device
    from onprem.updates.releases import record_release

    devices = [provision_device(kind="rack", device_id="rack-01", slot_count=6)]
    devices += [provision_device(kind="cart", device_id=f"cart-00{n}") for n in range(1, 5)]
    creds = tmp_path / "credentials.json"
    creds.write_text(
        json.dumps({d.device_id: {"username": d.username, "password": d.password} for d in devices})
    )
    private, public, _ = generate(tmp_path / "keys")
    image = sample_image(version="1.1.0", out=tmp_path / "image.tar.gz")
    manifest, _ = build_release(
        image=image,
        version="1.1.0",
        hardware="cart-v1",
        channel="testing",
        expires_days=30,
        key=private,
        out=tmp_path / "release",
    )
    with override_settings(RELEASE_TRUST=(public,)):
        record_release(release=None, manifest=json.loads(manifest.read_text()), artifact_path="")
    return {"credentials": creds, "trust": public}


@pytest.fixture
def rack_page(server_env, ingest_process, store_with_a_release, store_id, mqtt_broker, tmp_path):
    """A client of rack-01's page (logged in), once the store sees its 4 carts docked in it."""
    env = {**server_env, "SMARTCART_RELEASE_TRUST": str(store_with_a_release["trust"])}
    daphne, api_port = serve_daphne("onprem.asgi:application", env)
    page_port = free_port()
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smartcart.cli",
            "simulate",
            "--store",
            store_id,
            "--racks",
            "1",
            "--slots",
            "6",
            "--carts",
            "4",
            "--all-docked",
            "--mqtt",
            mqtt_broker["url"],
            "--interval",
            "0.3",
            "--credentials",
            str(store_with_a_release["credentials"]),
            "--outbox-dir",
            str(tmp_path / "devices"),
            "--trust",
            str(store_with_a_release["trust"]),
            "--rack-pages-port",
            str(page_port),
            "--onprem-url",
            f"http://127.0.0.1:{api_port}",
        ],  # fmt: skip
        cwd=ROOT,
        env={**env, "SMARTCART_TECHNICIAN_PASSWORD": PASSWORD, "SMARTCART_TECHNICIAN_PIN": PIN},
    )
    try:
        wait_for_port(page_port)
        wait_until(lambda: len(docked_in("rack-01")) == 4, "the store sees 4 carts in rack-01")
        yield httpx.Client(
            base_url=f"http://127.0.0.1:{page_port}", auth=("technician", PASSWORD), timeout=20
        )
    finally:
        simulator.terminate()
        simulator.wait(30)
        daphne.terminate()
        daphne.wait(10)


def docked_in(rack: str) -> list[str]:
    from onprem.fleet.models import Cart

    carts = Cart.objects.filter(state__dock_slot__rack__device_id=rack)
    return sorted(carts.values_list("device_id", flat=True))
