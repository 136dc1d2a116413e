"""A `smartcart demo` for the shopper e2e tests: small (one rack, six carts), on free ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from tests.conftest import ROOT, free_port

ERP_TOKEN = "emulator-token"  # the ERP emulator's default API token (the demo sets none)


@contextmanager
def running_demo(var: Path, *, shoppers: int):
    """Start the demo, yield demo.json plus the emulators' URLs; stop it and all its children."""
    ports = {
        flag: free_port()
        for flag in (
            "--onprem-port",
            "--cloud-port",
            "--mqtt-port",
            "--erp-port",
            "--cashless-port",
            "--rack-page-port",
        )
    }
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))
    }
    argv = [
        sys.executable,
        "-m",
        "smartcart.cli",
        "demo",
        "--var",
        str(var),
        "--racks",
        "1",
        "--carts",
        "6",
        "--shoppers",
        str(shoppers),
    ]
    for flag, port in ports.items():
        argv += [flag, str(port)]
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        summary = var / "demo.json"
        deadline = time.monotonic() + 120
        while not summary.exists():
            assert proc.poll() is None, f"demo exited: {proc.stdout.read()}"
            assert time.monotonic() < deadline, "demo did not write demo.json in 120 s"
            time.sleep(0.5)
        yield {
            **json.loads(summary.read_text()),
            "var": var,
            "erp_url": f"http://127.0.0.1:{ports['--erp-port']}",
            "cashless_url": f"http://127.0.0.1:{ports['--cashless-port']}",
        }
    finally:
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        for child in children:
            if child.is_running():
                child.kill()


def eventually(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout} s")
