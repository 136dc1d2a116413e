from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import manage, serve_daphne

ROOT = Path(__file__).resolve().parents[3]
STORE_KEY = "e2e-store-key-0123456789abcdefghij"
OFFLINE_AFTER = 5  # the cloud's SMARTCART_STORE_OFFLINE_AFTER in the end-to-end test


def stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.terminate()
    return proc.wait(20)


@pytest.fixture
def cloud_env(tmp_path) -> dict:
    """A cloud tier of its own: SQLite under tmp_path, quick offline detection."""
    var = tmp_path / "cloud"
    var.mkdir()
    return {
        **os.environ,
        "SMARTCART_TIER": "cloud",
        "DJANGO_SETTINGS_MODULE": "cloud.settings",
        "SMARTCART_VAR_DIR": str(var),
        "SMARTCART_CLOUD_DB_URL": f"sqlite:///{var}/cloud.sqlite3",
        "SMARTCART_STORE_OFFLINE_AFTER": str(OFFLINE_AFTER),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def cloud(cloud_env, store_id):
    """A real cloud tier: migrated, the store registered, daphne serving and `monitor` sweeping.

    Yields the base URL and an ops bearer token.
    """
    manage("migrate", "--verbosity", "0", env=cloud_env)
    demo = json.loads(
        manage("bootstrap_demo", "--store", store_id, "--key", STORE_KEY, env=cloud_env)
    )
    server, port = serve_daphne("cloud.asgi:application", cloud_env)
    monitor = subprocess.Popen(
        [sys.executable, "manage.py", "monitor", "--interval", "1"], cwd=ROOT, env=cloud_env
    )
    try:
        yield {"url": f"http://127.0.0.1:{port}", "token": demo["ops_token"], "monitor": monitor}
    finally:
        stop(server)
        stop(monitor)


@pytest.fixture
def uplink_env(server_env, cloud, tmp_path) -> dict:
    """The store's environment (this test's on-prem database) pointed at the cloud fixture."""
    var = tmp_path / "onprem"
    var.mkdir()
    return {
        **server_env,
        "DJANGO_SETTINGS_MODULE": "onprem.settings",
        "SMARTCART_VAR_DIR": str(var),
        "SMARTCART_CLOUD_URL": cloud["url"],
        "SMARTCART_CLOUD_STORE_KEY": STORE_KEY,
        "SMARTCART_HEARTBEAT_SECONDS": "1",
    }


def start_uplink(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "uplink"], cwd=ROOT, env=env)


def wait_for_store(cloud: dict, code: str, *, online: bool, timeout: float) -> dict:
    """Poll the ops API until the store is (not) online; return its detail."""
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {cloud['token']}"}
    while True:
        body = httpx.get(f"{cloud['url']}/api/v1/stores/{code}/", headers=headers, timeout=5).json()
        if body["online"] is online:
            return body
        assert time.monotonic() < deadline, (
            f"store {code} still online={body['online']} after {timeout} s"
        )
        time.sleep(0.25)
