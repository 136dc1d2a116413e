"""A store reachable through the tunnel: cloud daphne, on-prem daphne and the uplink, all real.

Fixtures for tests/onprem/uplink/test_proxy_*.py (imported there); the cloud and the store's
environment come from this folder's conftest.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from onprem.fleet.models import Rack
from onprem.fleet.services import provision_device
from tests.conftest import manage, serve_daphne

from .conftest import ROOT, stop, wait_for_store

NO_GRANT_USER = """
from django.contrib.auth import get_user_model
from cloud.core.tokens import issue_token
user, _ = get_user_model().objects.get_or_create(username="ops-elsewhere", defaults={"is_staff": True})
print(issue_token(user=user, scopes=["ops"]).token)
"""


@pytest.fixture
def remote_store(cloud, cloud_env, uplink_env, store_id):
    """The store online through its uplink, its on-prem tier served, two carts and a rack.

    Yields the cloud's URL, the ops token (granted this store), a token of an ops user without
    the grant, the store's on-prem URL, and the store code.
    """
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2):
        provision_device(kind="cart", device_id=f"cart-00{n}")
    onprem, port = serve_daphne("onprem.asgi:application", uplink_env)
    env = {**uplink_env, "SMARTCART_REMOTE_ONPREM_URL": f"http://127.0.0.1:{port}",
           "SMARTCART_REMOTE_TIMEOUT_SECONDS": "5",
           # No size limit in reach: only a cancel may stop the endless page.
           "SMARTCART_REMOTE_MAX_RESPONSE_MB": "100000"}  # fmt: skip
    uplink = subprocess.Popen([sys.executable, "manage.py", "uplink"], cwd=ROOT, env=env)
    try:
        wait_for_store(cloud, store_id, online=True, timeout=30)
        yield {
            "cloud": cloud["url"],
            "token": cloud["token"],
            "no_grant_token": manage("shell", "-c", NO_GRANT_USER, env=cloud_env).split()[-1],
            "onprem": f"http://127.0.0.1:{port}",
            "store": store_id,
        }
    finally:
        stop(uplink)
        stop(onprem)


def remote(store: dict, path: str, *, token: str | None = None, **kwargs) -> httpx.Response:
    """GET (or kwargs' method) /remote/{store}{path} on the cloud as ops."""
    headers = {"Authorization": f"Bearer {token or store['token']}", **kwargs.pop("headers", {})}
    method = kwargs.pop("method", "GET")
    url = f"{store['cloud']}/remote/{store['store']}{path}"
    return httpx.request(method, url, headers=headers, timeout=30, **kwargs)


def audit(store: dict, *, at_least: int = 1) -> list[dict]:
    """The cloud's audit rows for this store, newest first, once `at_least` are written (the
    row of a served request is written as its response ends, so it may lag by milliseconds)."""
    deadline = time.monotonic() + 5
    while True:
        answer = httpx.get(
            f"{store['cloud']}/api/v1/remote-audit/",
            params={"store": store["store"], "limit": 500},
            headers={"Authorization": f"Bearer {store['token']}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        rows = answer.json()["results"]
        if len(rows) >= at_least or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


class Page(BaseHTTPRequestHandler):
    """A rack's web page stand-in: answers who asked and with which login, as JSON."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.startswith("/endless"):
            self.endless()
            return
        if self.path.startswith("/big"):
            payload = self.server.big
        else:
            payload = json.dumps({
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "remote_user": self.headers.get("X-SmartCart-Remote-User"),
                "host": self.headers.get("Host"),
            }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the store's proxy hung up on us
            self.server.broken = True

    def endless(self) -> None:
        """4 GiB, 1 MiB at a time, no length: minutes of work unless someone hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = bytes(2**20)
        try:
            for _ in range(4096):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.server.broken = True

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def rack_page(remote_store):
    """A real HTTP server on 127.0.0.1, registered as rack-01's announced page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.big, server.broken = b"", False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    Rack.objects.filter(device_id="rack-01").update(page_url=url)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
