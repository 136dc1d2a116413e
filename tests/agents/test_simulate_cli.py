from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def simulate(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "smartcart.cli", "simulate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_it_runs_every_rack_and_cart_of_the_store(mqtt_broker, listener, store, tmp_path):
    done = simulate(
        "--store",
        store,
        "--racks",
        "2",
        "--slots",
        "4",
        "--carts",
        "5",
        "--mqtt",
        mqtt_broker["url"],
        "--interval",
        "0.2",
        "--duration",
        "2",
        "--outbox-dir",
        str(tmp_path),
        "--seed",
        "1",
    )
    assert done.returncode == 0, done.stderr
    for device in ("rack-01", "rack-02", "cart-001", "cart-005"):
        listener.wait_for(device, "telemetry", timeout=5)
        listener.wait_for(device, "status", lambda d: d["state"] == "offline", timeout=5)
    assert not listener.on("cart-006", "telemetry")
    assert len(listener.wait_for("rack-02", "telemetry")["slots"]) == 4


def test_it_refuses_a_bad_broker_url_with_a_sentence(tmp_path):
    done = simulate("--store", "s1", "--mqtt", "tcp://nowhere", "--outbox-dir", str(tmp_path))
    assert done.returncode == 2
    assert "--mqtt='tcp://nowhere' must look like mqtt://" in done.stderr


def test_it_refuses_an_unreadable_credentials_file(tmp_path):
    bad = tmp_path / "creds.json"
    bad.write_text('{"cart-001": "hunter2"}')
    done = simulate("--store", "s1", "--mqtt", "mqtt://127.0.0.1:1", "--credentials", str(bad))
    assert done.returncode == 2
    assert 'must map each device id to {"username": ..., "password": ...}' in done.stderr


def test_it_refuses_a_negative_cart_count():
    done = simulate("--store", "s1", "--mqtt", "mqtt://127.0.0.1:1", "--carts", "-3")
    assert done.returncode == 2
    assert "--carts: -3 is outside 0..999" in done.stderr
