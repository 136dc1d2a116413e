"""Real agents, a real Mosquitto, real ingest: the broker goes away for 30 s and comes back.
Every telemetry message produced is stored, once."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from onprem.fleet.models import CartReading, IngestState, RackReading
from onprem.fleet.services import provision_device
from tests.conftest import ROOT, free_port, test_database_url, wait_for_port

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs the mosquitto broker")]
OUTAGE_SECONDS = int(os.environ.get("SMARTCART_TEST_OUTAGE_SECONDS", "30"))  # the acceptance check uses 30
PRODUCED = re.compile(r"(?:cart|rack) (\S+) stopped: produced (\d+) telemetry messages, (\d+) left in the outbox")


class Mosquitto:
    """A private Mosquitto with persistence, so it can be stopped and started like a real one."""

    def __init__(self) -> None:
        self.port = free_port()
        # Run as root, mosquitto drops to its own user: it must reach the folder to save its
        # database, and pytest's tmp_path sits under a directory only root may enter.
        self.folder = folder = Path(tempfile.mkdtemp(prefix="smartcart-mosquitto-"))
        folder.chmod(0o777)
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                             f"persistence_location {folder}/\n")
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(["mosquitto", "-c", str(self.conf)], stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def broker():
    mosquitto = Mosquitto()
    mosquitto.start()
    yield mosquitto
    if mosquitto.proc.poll() is None:
        mosquitto.stop()
    shutil.rmtree(mosquitto.folder, ignore_errors=True)


def start(argv: list[str], env: dict, log=None) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)


def wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.5)


def all_reporting_since(moment) -> bool:
    carts = CartReading.objects.filter(received_at__gt=moment).values("device_id").distinct().count()
    racks = RackReading.objects.filter(received_at__gt=moment).values("device_id").distinct().count()
    return carts == 4 and racks == 1


def test_telemetry_produced_during_a_broker_outage_is_stored_once(
    transactional_db, broker, store_id, tmp_path, request
):
    provision_device(kind="rack", device_id="rack-01", slot_count=10)
    for n in range(1, 5):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
    url = f"mqtt://127.0.0.1:{broker.port}"
    env = {**os.environ, "SMARTCART_DB_URL": test_database_url(), "SMARTCART_MQTT_URL": url,
           "SMARTCART_STORE_ID": store_id, "SMARTCART_TIER": "onprem", "PYTHONUNBUFFERED": "1"}
    name = f"ingest-{uuid.uuid4().hex[:8]}"
    ingest = start([sys.executable, "manage.py", "ingest", "--name", name], env, (tmp_path / "ingest.log").open("w"))
    request.addfinalizer(lambda: ingest.poll() is None and ingest.kill())
    wait(lambda: IngestState.objects.filter(name=name).exists(), 30, "ingest subscribed")
    log_path = tmp_path / "simulator.log"
    with log_path.open("w") as log:
        simulator = start([sys.executable, "-m", "smartcart.cli", "simulate", "--store", store_id, "--racks", "1",
                           "--carts", "4", "--interval", "0.2", "--mqtt", url, "--outbox-dir", str(tmp_path / "ob")],
                          env, log)
        request.addfinalizer(lambda: simulator.poll() is None and simulator.kill())
        time.sleep(5)
        broker.stop()
        time.sleep(OUTAGE_SECONDS)
        broker.start()
        back = timezone.now()
        # Agents come back on their own backoff; once each has delivered a live reading, its
        # outbox (delivered in order, before new readings) is empty.
        wait(lambda: all_reporting_since(back), 90, "every device delivering again after the outage")
        simulator.send_signal(signal.SIGTERM)
        assert simulator.wait(30) == 0

    produced = {device: (int(n), int(left)) for device, n, left in PRODUCED.findall(log_path.read_text())}
    assert len(produced) == 5 and all(left == 0 for _, left in produced.values()), produced
    expected = sum(n for n, _ in produced.values())
    stored = lambda: CartReading.objects.count() + RackReading.objects.count()  # noqa: E731
    try:
        wait(lambda: stored() >= expected, 60, f"{expected} readings stored")
    finally:
        ingest.terminate()
        print("stored", stored(), "of", expected, "\n", (tmp_path / "ingest.log").read_text()[-3000:])
    assert ingest.wait(20) == 0

    assert stored() == expected
    for model in (CartReading, RackReading):
        for boot in model.objects.values("device_id", "boot_id").annotate(n=Count("id"), top=Max("seq")):
            assert boot["n"] == boot["top"] + 1 == produced[boot["device_id"]][0], boot  # seq 0..n-1, no gap
