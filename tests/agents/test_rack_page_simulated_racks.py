"""`smartcart simulate --rack-pages-port P`: every simulated rack serves its own page (rack N on
P+N-1), announces its URL in its status for the store's proxy, and the options that would make
a page nobody can log in to, or a form with nowhere to send, are refused with a sentence."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from tests.conftest import ROOT, wait_for_port
from tests.e2e.demo_run import free_ports


def simulate(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "smartcart.cli", "simulate", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_it_serves_a_page_per_rack_and_announces_it(mqtt_broker, listener, store, tmp_path):
    port = free_ports(3)
    proc = simulate(
        "--store", store, "--racks", "3", "--slots", "4", "--carts", "6", "--interval", "0.3",
        "--mqtt", mqtt_broker["url"], "--outbox-dir", str(tmp_path), "--rack-pages-port", str(port),
        env={"SMARTCART_TECHNICIAN_PASSWORD": "page-secret-1"},
    )  # fmt: skip
    try:
        for n in range(3):
            wait_for_port(port + n)
        pages = [
            httpx.get(f"http://127.0.0.1:{port + n}/", auth=("technician", "page-secret-1"))
            for n in range(3)
        ]
        statuses = [listener.wait_for(f"rack-0{n}", "status") for n in (1, 2, 3)]
        anonymous = httpx.get(f"http://127.0.0.1:{port}/slots.json")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert all(f"<h1>Rack rack-0{n}</h1>" in p.text for n, p in zip((1, 2, 3), pages, strict=True))
    assert all("Force update is off on this rack" in p.text for p in pages)
    assert [s["page_url"] for s in statuses] == [f"http://127.0.0.1:{port + n}/" for n in range(3)]
    assert anonymous.status_code == 401


def test_it_refuses_pages_without_a_password_and_a_form_without_a_store(tmp_path):
    common = ["--store", "s1", "--mqtt", "mqtt://127.0.0.1:1", "--outbox-dir", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCART_TECHNICIAN_")}

    def refused(*args: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "smartcart.cli", "simulate", *common, *args],
            cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        return done.stderr

    no_password = refused("--rack-pages-port", "18500")
    short_pin = refused("--rack-pages-port", "18500", "--technician-pin", "12",
                        SMARTCART_TECHNICIAN_PASSWORD="page-secret-1")  # fmt: skip
    pin_no_store = refused("--rack-pages-port", "18500", SMARTCART_TECHNICIAN_PASSWORD="page-secret-1",
                           SMARTCART_TECHNICIAN_PIN="4711")  # fmt: skip

    assert "--rack-pages-port needs a technician password of at least 6 characters" in no_password
    assert "--technician-pin needs at least 4 characters" in short_pin
    assert "the force-update form needs both --onprem-url and a technician PIN" in pin_no_store
