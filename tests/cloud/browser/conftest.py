"""Browser tests of the ops console: the cloud under daphne on this test's database, signed
releases, a store that reports over a real tunnel, and Chromium driven by Playwright (the
same browser setup as tests/browser/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from websockets.sync.client import connect

from smartcart import tunnel_frames as frames
from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate
from tests.browser.conftest import browser, chromium_path  # noqa: F401 - fixtures
from tests.conftest import ROOT, free_port, test_database_url, wait_for_port
from tests.conftest import wait_until as wait_for

OPS_PASSWORD = "ops-password-42"


@pytest.fixture(scope="session")
def signing(tmp_path_factory) -> dict:
    private, public, key_id = generate(tmp_path_factory.mktemp("console-keys"))
    return {"private": private, "public": public, "key_id": key_id}


@pytest.fixture
def build(signing, tmp_path):
    def make(version: str, *, hardware: str = "cart-v1"):
        out = tmp_path / f"build-{hardware}-{version}"
        image = sample_image(version=version, out=out / "image.tar.gz")
        return build_release(
            image=image,
            version=version,
            hardware=hardware,
            channel="stable",
            expires_days=90,
            key=signing["private"],
            out=out,
            now=datetime.now(UTC),
        )

    return make


@pytest.fixture
def release_settings(settings, signing, tmp_path):
    """This process verifies uploads as the server does (same trust, same artifact folder)."""
    settings.RELEASE_TRUST = (signing["public"],)
    settings.RELEASES_DIR = tmp_path / "var" / "releases"


@pytest.fixture
def cloud_server(transactional_db, release_settings, signing, tmp_path):
    """daphne serving cloud.asgi on this test's database; its URL."""
    port = free_port()
    env = {
        **os.environ,
        "SMARTCART_DEMO": "1",
        "SMARTCART_TIER": "cloud",
        "DJANGO_SETTINGS_MODULE": "cloud.settings",
        "SMARTCART_CLOUD_DB_URL": test_database_url(),
        "SMARTCART_DB_URL": test_database_url(),
        "SMARTCART_VAR_DIR": str(tmp_path / "var"),
        "SMARTCART_RELEASE_TRUST": str(signing["public"]),
        "PYTHONUNBUFFERED": "1",
    }
    cmd = [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "cloud.asgi:application",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def ops_user(transactional_db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("olga", password=OPS_PASSWORD, is_staff=True)


@pytest.fixture
def context(browser, cloud_server):  # noqa: F811 - the imported fixture
    ctx = browser.new_context(
        base_url=cloud_server, locale="en-US", viewport={"width": 1400, "height": 1000}
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def sign_in(page, base_url: str, username: str, password: str, next_path: str = "/console/"):
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")


@pytest.fixture
def ops_page(context, cloud_server, ops_user):
    """Chromium signed in as ops user olga, on the campaigns page."""
    page = context.new_page()
    sign_in(page, cloud_server, "olga", OPS_PASSWORD, next_path="/console/campaigns/")
    page.wait_for_url(f"{cloud_server}/console/campaigns/")
    return page


class StoreTunnel:
    """A store's tunnel to the live cloud (sync websockets: Playwright owns this thread's loop)."""

    def __init__(self, base_url: str, code: str, key: str):
        url = base_url.replace("http://", "ws://") + "/ws/tunnel/v1/"
        headers = {"X-SmartCart-Store": code, "Authorization": f"Bearer {key}"}
        self.ws = connect(url, additional_headers=headers, open_timeout=10)
        self.code = code
        self.send_and_wait(
            frames.heartbeat(
                {
                    "store": code,
                    "status": "ok",
                    "components": {},
                    "fleet": {
                        "carts": dict.fromkeys(
                            ("total", "online", "offline", "low_battery", "fault", "docked"), 0
                        ),
                        "racks": {"total": 0, "online": 0, "offline": 0},
                    },
                }
            )
        )

    def send_and_wait(self, frame: frames.Frame) -> dict:
        """Send a frame; the cloud's ack or error for it (its commands meanwhile are skipped)."""
        self.ws.send(frame.to_json())
        while True:
            answer = json.loads(self.ws.recv(timeout=10))
            if answer["type"] in ("ack", "error") and answer["id"] == frame.id:
                return answer

    def report(self, **body) -> dict:
        full = {"jobs": [], "campaigns": [], "firmware": [], **body}
        return self.send_and_wait(frames.Frame(frames.OTA_REPORT, frames.new_id(), full))

    def close(self) -> None:
        self.ws.close()


def job(device: str, state: str, campaign: int, **fields) -> dict:
    return {
        "campaign": campaign,
        "release": None,
        "device": device,
        "kind": "cart",
        "phase": 1,
        "state": state,
        "percent": None,
        "waiting_reason": "",
        "reason": "",
        "detail": "",
        "from_version": "1.0.0",
        "to_version": "1.1.0",
        "requested_by": f"campaign:{campaign}",
        "updated_at": frames.now_iso(),
        **fields,
    }


def wait_until(check, what: str, timeout: float = 15.0):
    return wait_for(check, what, timeout)
