"""The cashless tests cross real HTTP: an emulator subprocess, and the on-prem event receiver
served by pytest-django's live server so the emulator's event POSTs really arrive."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import httpx
import pytest
from django.urls import reverse

from onprem.integrations.cashless import services
from onprem.integrations.cashless.client import CashlessClient
from smartcart.cashless_api.models import CartItem
from tests.conftest import ROOT, free_port, wait_for_port

PAYMENT_TYPE = "f3fd29bd-d5b9-4fa3-a68c-c8cfdfc0a482"  # "Cashless Card" in sample_data.json
OTHER_PAYMENT_TYPE = "0d6c3a52-7f1e-4c1a-b0a4-2b8f7e5d9c10"  # "Cash at the till", type Other


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> dict:
    """`smartcart cashless-emulator` on free http and https ports, for the whole session."""
    port, https_port = free_port(), free_port()
    cert_dir = tmp_path_factory.mktemp("cashless-cert")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smartcart.cli",
            "cashless-emulator",
            "--port",
            str(port),
            "--https-port",
            str(https_port),
            "--cert-dir",
            str(cert_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        wait_for_port(https_port)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "https_url": f"https://127.0.0.1:{https_port}",
            "cert": str(cert_dir / "cert.pem"),
        }
    finally:
        proc.terminate()
        proc.wait(10)


class Reader:
    """The emulator's control API: the tag on the reader and the emulator's settings."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=f"{url}/emulator/v1", timeout=5)

    def present(self, **tag) -> dict:
        response = self.http.post("/tag", json=tag)
        response.raise_for_status()
        return response.json()["data"]

    def remove(self) -> None:
        self.http.delete("/tag").raise_for_status()

    def configure(self, **settings) -> None:
        self.http.post("/settings", json=settings).raise_for_status()

    def delivered(self) -> list[dict]:
        return self.http.get("/events").json()["data"]


@pytest.fixture
def reader(emulator) -> Reader:
    """A freshly reset emulator: no jobs, no listeners, only the sample tags."""
    control = Reader(emulator["url"])
    control.http.post("/reset").raise_for_status()
    yield control
    control.http.close()


@pytest.fixture
def client(emulator, reader, db) -> CashlessClient:
    with CashlessClient(emulator["url"], username="api", password="test") as cashless:
        yield cashless


@pytest.fixture
def receiver(live_server, client, settings) -> str:
    """The on-prem event receiver, live, registered with the terminal as its listener."""
    settings.CASHLESS_EVENT_SECRET = "test-secret-0123456789abcdef"
    url = live_server.url + reverse("cashless-events", kwargs={"secret": services.event_secret()})
    client.register_events(url)
    return url


@pytest.fixture
def soda() -> CartItem:
    """One Soda 0.33l at its catalog price, 3.2 credits (the default variant of "soda")."""
    return CartItem(count=1, product_key="soda", variant_key="", single_price=Decimal("3.2"))
