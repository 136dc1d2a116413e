"""Shared fixtures. The suite runs on embedded defaults, or on the real services named by
SMARTCART_DB_URL / SMARTCART_REDIS_URL / SMARTCART_MQTT_URL (CI sets all three)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
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


def wait_until(check, what: str, timeout: float = 20.0):
    """What `check()` returns once it is truthy, polled every 50 ms; an AssertionError naming
    `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout}s")


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


def manage(*args: str, env: dict) -> str:
    """`manage.py ARGS` in a subprocess with `env` (a tier's own settings); its stdout."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}"
    return done.stdout


def serve_daphne(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    """A tier's ASGI app (e.g. "cloud.asgi:application") under daphne on a free port; listening
    when this returns. The caller terminates it."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
                              cwd=ROOT, env=env)
    try:
        wait_for_port(port)
    except TimeoutError:
        server.kill()
        raise
    return server, port


def test_database_url() -> str:
    """The URL of the database this test run uses, for server processes the test starts."""
    from django.db import connection

    cfg = connection.settings_dict
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    return f"mysql://{cfg['USER']}:{cfg['PASSWORD']}@{cfg['HOST']}:{cfg['PORT']}/{cfg['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def store_id(settings) -> str:
    # A fresh store id per test: leftover broker sessions of earlier runs never see its topics.
    settings.STORE_ID = f"t{uuid.uuid4().hex[:10]}"
    return settings.STORE_ID


@pytest.fixture
def server_env(transactional_db, mqtt_broker, store_id) -> dict:
    """Environment for on-prem processes (ingest, uplink) that share this test's database."""
    return {**os.environ, "SMARTCART_DB_URL": test_database_url(), "SMARTCART_MQTT_URL": mqtt_broker["url"],
            "SMARTCART_STORE_ID": store_id, "SMARTCART_TIER": "onprem", "PYTHONUNBUFFERED": "1",
            # A test's ingest subscribes to everything: its session must not outlive the run by a
            # day on a shared broker, queueing every later test's messages.
            "SMARTCART_MQTT_SESSION_EXPIRY_S": "300"}


@pytest.fixture
def ingest_process(server_env):
    """A real `manage.py ingest`, started and known to be subscribed (its first heartbeat)."""
    from onprem.fleet.models import IngestState

    name = f"ingest-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen([sys.executable, "manage.py", "ingest", "--name", name], cwd=ROOT, env=server_env)
    deadline = time.monotonic() + 30
    while not IngestState.objects.filter(name=name).exists():
        assert proc.poll() is None, "ingest exited at start"
        assert time.monotonic() < deadline, "ingest never subscribed"
        time.sleep(0.2)
    yield proc
    proc.terminate()
    assert ingest_stopped(proc, 20), "ingest did not stop within 20 s of SIGTERM (stacks in its stderr)"


def ingest_stopped(proc: subprocess.Popen, seconds: float) -> bool:
    """Whether an ingest process ended in time. One that did not prints its threads' stacks
    (SIGUSR1) and is killed, so it never outlives its test and writes into the next one's data."""
    try:
        proc.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)
        time.sleep(1)
        proc.kill()
        proc.wait(10)
        return False


@pytest.fixture
def in_test_transaction():
    """Requests served in-process (schemathesis) run inside the test's transaction, as with
    Django's test client: nothing closes the connection between requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

