from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    # Tests run tasks in the caller even when SMARTCART_REDIS_URL points at a real Redis:
    # no worker runs beside pytest. Redis still backs the cache and the channel layer.
    from onprem.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


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
            "SMARTCART_STORE_ID": store_id, "SMARTCART_TIER": "onprem", "PYTHONUNBUFFERED": "1"}


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
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)
