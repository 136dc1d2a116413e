"""/healthz tells a crash-looping ingest from a running one, though each start writes a heartbeat."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from onprem.fleet.models import IngestState

from ...conftest import ROOT


def start_and_wait_until_running(env: dict, name: str, previous_start) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--name", name], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 30
    while (
        state := IngestState.objects.filter(name=name).first()
    ) is None or state.started_at == previous_start:
        assert proc.poll() is None, "ingest exited at start"
        assert time.monotonic() < deadline, "ingest never recorded its start"
        time.sleep(0.2)
    return proc


def test_healthz_reports_an_ingest_killed_at_every_start(server_env, client):
    name, started = "crashy", None
    for _ in range(4):  # three unclean ends, seen at the starts that follow them
        proc = start_and_wait_until_running(server_env, name, started)
        started = IngestState.objects.get(name=name).started_at
        proc.kill()
        proc.wait(10)

    response = client.get("/healthz")

    ingest = response.json()["components"]["ingest"]
    assert response.status_code == 503 and ingest["ok"] is False
    assert "ingest crashy is crash-looping: 3 unclean ends" in ingest["detail"]


def test_a_clean_stop_clears_the_count(server_env, client):
    name, started = "steady", None
    for _ in range(2):
        proc = start_and_wait_until_running(server_env, name, started)
        started = IngestState.objects.get(name=name).started_at
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0

    state = IngestState.objects.get(name=name)
    assert (state.crashes, state.last_error) == (0, "")
    assert client.get("/healthz").json()["components"]["ingest"]["crashes"] == 0
