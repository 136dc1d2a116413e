"""Browser tests: a live on-prem tier (daphne + a real ingest on this test's database, the real
broker) and a signed-in Chromium page driven by Playwright.

Debian's Chromium (/usr/bin/chromium) is used, never a downloaded one. Without it the tests
skip with the reason, except in CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from tests.conftest import ROOT, free_port, wait_for_port
from tests.conftest import wait_until as wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
STAFF_PASSWORD = "staff-password-42"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (.ci/run installs it)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path, django_db_setup):
    """Chromium for one test file. Playwright's sync API keeps an asyncio loop running in this
    thread, and Django refuses ORM calls (the tests' own, and pytest-django's flushes) while
    one runs: they are still plain synchronous code here, so they are allowed while it lives."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class LiveServer:
    """The on-prem tier under daphne on a fixed port, so a restart keeps the page's URL."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
               "onprem.asgi:application"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def onprem_server(server_env, ingest_process) -> LiveServer:
    """daphne serving onprem.asgi on this test's database, with a real ingest beside it."""
    server = LiveServer(server_env)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def small_store(transactional_db) -> dict:
    """rack-01 with 4 slots and carts cart-001..cart-003, provisioned (not yet heard from)."""
    from onprem.fleet.services import provision_device

    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    carts = [f"cart-00{n}" for n in (1, 2, 3)]
    for device in carts:
        provision_device(kind="cart", device_id=device)
    return {"racks": ["rack-01"], "carts": carts}


@pytest.fixture
def staff_user(transactional_db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        "maria", password=STAFF_PASSWORD, first_name="Maria", is_staff=True
    )


def sign_in(page, base_url: str, username: str, password: str, next_path: str = "/dashboard/") -> None:
    """Sign in through the /accounts/login/ form, as a person would."""
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")


@pytest.fixture
def browser_context(browser, onprem_server):
    context = browser.new_context(base_url=onprem_server.url, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def staff_page(browser_context, onprem_server, staff_user):
    """A Chromium page signed in as staff user `maria`, on the live store (/dashboard/).
    Request the store's fixtures (small_store) before this one: the page draws what exists."""
    page = browser_context.new_page()
    sign_in(page, onprem_server.url, staff_user.username, STAFF_PASSWORD)
    return page


@pytest.fixture
def publish(mqtt_broker, store_id):
    """publish(kind, device, channel, payload dict): one QoS 1 message as a device would send,
    acknowledged by the broker when this returns."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"browser-test-{uuid.uuid4().hex[:8]}")
    client.connect(mqtt_broker["host"], mqtt_broker["port"])
    client.loop_start()

    def send(kind: str, device: str, channel: str, payload: dict) -> None:
        info = client.publish(f"smartcart/{store_id}/{kind}/{device}/{channel}", json.dumps(payload), qos=1)
        info.wait_for_publish(10)
        assert info.is_published(), f"the broker did not take the {channel} message of {device}"

    yield send
    client.disconnect()
    client.loop_stop()


def wait_until(check, what: str, timeout: float = 15.0):
    return wait_for(check, what, timeout)


def cart_reading(device: str, seq: int, *, soc: float, dock: dict | None = None, health: str = "ok",
                 faults: tuple[str, ...] = (), boot: str = "boot-a") -> dict:
    """A cart.telemetry/1 payload taken now."""
    from datetime import UTC, datetime

    return {
        "schema": "cart.telemetry/1", "device": device, "boot_id": boot, "seq": seq,
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "battery": {"soc": soc, "voltage": 25.2, "temperature": 28.5, "charging": dock is not None},
        "health": {"state": health, "faults": list(faults)},
        "dock": dock, "firmware": "1.0.0",
    }
