"""A real `smartcart demo` for the end-to-end tests: every port its own, nothing configured
(no SMARTCART_* variable reaches it), stopped with every child it started."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import ROOT, free_port

PORT_FLAGS = (
    "--onprem-port",
    "--cloud-port",
    "--mqtt-port",
    "--erp-port",
    "--cashless-port",
    "--rack-page-port",
)


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the simulated racks' pages)."""
    for _ in range(50):
        first = free_port()
        if all(port_free(first + n) for n in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_demo(var: Path, *options: str, wait_s: float = 120) -> tuple[subprocess.Popen, dict]:
    """The demo with `options`; (process, demo.json plus "var", "erp_url", "cashless_url") once
    it wrote demo.json."""
    ports = {flag: free_port() for flag in PORT_FLAGS}
    ports["--rack-pages-port"] = free_ports(3)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))
    }
    argv = [sys.executable, "-m", "smartcart.cli", "demo", "--var", str(var), *options]
    for flag, port in ports.items():
        argv += [flag, str(port)]
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    summary = var / "demo.json"
    deadline = time.monotonic() + wait_s
    while not summary.exists():
        assert proc.poll() is None, f"demo exited: {proc.stdout.read()}"
        assert time.monotonic() < deadline, f"demo did not write demo.json in {wait_s:.0f} s"
        time.sleep(0.5)
    return proc, {
        **json.loads(summary.read_text()),
        "var": var,
        "erp_url": f"http://127.0.0.1:{ports['--erp-port']}",
        "cashless_url": f"http://127.0.0.1:{ports['--cashless-port']}",
    }


def stop_demo(proc: subprocess.Popen) -> None:
    """SIGTERM (the demo stops its children), then kill whatever is left after 30 s."""
    if proc.poll() is not None:
        return
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    for child in children:
        if child.is_running():
            child.kill()


def eventually(check, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")
