"""Each ingest worker connects as its own broker user (`--mqtt-user`, `--mqtt-password-file`):
the store's Mosquitto uses usernames as client ids, so workers sharing one would evict each other."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from onprem.fleet import mqtt as fleet_mqtt
from onprem.fleet.models import CartReading, IngestState
from tests.conftest import ROOT, ingest_stopped

from .conftest import cart_payload
from .store_mosquitto import (
    connect,
    connect_ingest,
    start_store_broker,
    stop,
    use_store_broker,
    wait_until,
)


@pytest.fixture
def store_broker(server_env, tmp_path):
    proc, broker = start_store_broker(
        tmp_path, carts=("cart-001",), ingest_workers=("ingest-1", "ingest-2")
    )
    yield broker
    stop(proc)


def start_worker(env: dict, tmp_path, broker, worker: str) -> subprocess.Popen:
    password_file = tmp_path / f"{worker}.password"
    password_file.write_text(broker.passwords[worker] + "\n")
    command = [
        "manage.py",
        "ingest",
        "--shared",
        "--name",
        worker,
        "--mqtt-user",
        worker,
        "--mqtt-password-file",
        str(password_file),
    ]
    return subprocess.Popen([sys.executable, *command], cwd=ROOT, env=env)


def test_it_runs_two_shared_workers_each_as_its_own_broker_user(
    server_env, store_broker, store_id, tmp_path
):
    # SMARTCART_MQTT_URL names a user the broker does not know: only the flags can get them in.
    env = {
        **server_env,
        "SMARTCART_MQTT_URL": f"mqtt://nobody:wrong@127.0.0.1:{store_broker.server_port}",
    }
    workers = [start_worker(env, tmp_path, store_broker, name) for name in ("ingest-1", "ingest-2")]
    try:
        deadline = time.monotonic() + 40
        while IngestState.objects.filter(name__in=["ingest-1", "ingest-2"]).count() < 2:
            assert all(w.poll() is None for w in workers), "an ingest worker exited at start"
            assert time.monotonic() < deadline, "the ingest workers never subscribed"
            time.sleep(0.2)
        cart = connect(
            store_broker.device_port,
            client_id=f"{store_id}.cart-001",
            username="cart-001",
            password=store_broker.passwords["cart-001"],
        )
        topic = f"smartcart/{store_id}/cart/cart-001/telemetry"
        for seq in range(1, 21):
            assert cart.publish(topic, json.dumps(cart_payload("cart-001", seq=seq))) == 0

        deadline = time.monotonic() + 20
        while CartReading.objects.count() < 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert CartReading.objects.count() == 20
        assert all(w.poll() is None for w in workers), "a worker was evicted or crashed"
    finally:
        for worker in workers:
            worker.terminate()
        stuck = [w for w in workers if not ingest_stopped(w, 20)]
    assert not stuck, "an ingest worker did not stop within 20 s of SIGTERM (stacks in its stderr)"


def test_it_refuses_a_missing_or_empty_password_file(tmp_path):
    with pytest.raises(CommandError, match="--mqtt-password-file .*missing.password: No such file"):
        call_command(
            "ingest",
            "--mqtt-user",
            "ingest-1",
            "--mqtt-password-file",
            str(tmp_path / "missing.password"),
        )
    (tmp_path / "empty.password").write_text("\n")
    with pytest.raises(CommandError, match="empty.password is empty"):
        call_command(
            "ingest",
            "--mqtt-user",
            "ingest-1",
            "--mqtt-password-file",
            str(tmp_path / "empty.password"),
        )


def test_it_logs_when_another_process_connects_as_the_same_broker_user(
    db, settings, tmp_path, caplog
):
    proc, broker = start_store_broker(tmp_path, carts=(), ingest_workers=("ingest-1",))
    try:
        use_store_broker(settings, broker, "ingest-1")
        first = fleet_mqtt.make_client("smartcart-ingest-a-store-001", persistent=True)
        fleet_mqtt.connect(first, persistent=True)
        first.loop_start()
        wait_until(first.is_connected, "the first worker to connect")

        connect_ingest(settings, broker, "ingest-1")  # another --name, the same user

        wait_until(
            lambda: "mqtt connection lost" in caplog.text, "the first worker to log the eviction"
        )
        assert "no other process connects as MQTT user ingest-1" in caplog.text
    finally:
        first.disconnect()
        first.loop_stop()
        stop(proc)
