"""Shared fixtures. The suite runs on embedded defaults, or on the real services named by
SMARTCART_DB_URL / SMARTCART_REDIS_URL / SMARTCART_MQTT_URL (CI sets all three)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{os.environ.get('SMARTCART_TIER', 'onprem')}.settings")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


@pytest.fixture(scope="session")
def mqtt_broker() -> dict:
    """The broker the tests cross: SMARTCART_MQTT_URL's (CI: Mosquitto) or an embedded amqtt."""
    from smartcart.envconf import mqtt_settings

    url = os.environ.get("SMARTCART_MQTT_URL")
    if url:
        yield {**mqtt_settings(url, default=url), "url": url}
        return
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "smartcart.broker", "--port", str(port)])
    try:
        wait_for_port(port)
        yield {"host": "127.0.0.1", "port": port, "tls": False, "username": None, "password": None, "protocol": 3,
               "url": f"mqtt://127.0.0.1:{port}?protocol=3"}
    finally:
        proc.terminate()
        proc.wait(10)
