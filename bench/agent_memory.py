"""Resident memory of the rack and cart agents (goal: under 40 MB each).

    .venv/bin/python bench/agent_memory.py [--seconds 20]

Starts `python -m cart_agent` and `python -m rack_agent` against SMARTCART_MQTT_URL's broker,
or an embedded amqtt broker on a free port, lets them run, and prints each one's RSS.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_broker() -> tuple[str, subprocess.Popen | None]:
    url = os.environ.get("SMARTCART_MQTT_URL")
    if url:
        return url, None
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartcart.broker", "--port", str(port)], cwd=ROOT
    )
    time.sleep(1.5)
    return f"mqtt://127.0.0.1:{port}?protocol=3", proc


def start_agent(module: str, device: str, url: str, workdir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SMARTCART_AGENT_STORE": "bench",
        "SMARTCART_AGENT_DEVICE": device,
        "SMARTCART_AGENT_MQTT_URL": url,
        "SMARTCART_AGENT_INTERVAL": "0.5",
        "SMARTCART_AGENT_SPEED": "60",
        "SMARTCART_AGENT_OUTBOX": f"{workdir}/{device}.sqlite3",
        "SMARTCART_AGENT_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", module], env=env, cwd=workdir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    seconds = parser.parse_args().seconds
    url, broker = start_broker()
    with tempfile.TemporaryDirectory() as workdir:
        agents = {
            "cart_agent": start_agent("cart_agent", "cart-001", url, workdir),
            "rack_agent": start_agent("rack_agent", "rack-01", url, workdir),
        }
        peaks = dict.fromkeys(agents, 0.0)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, proc in agents.items():
                peaks[name] = max(peaks[name], psutil.Process(proc.pid).memory_info().rss / 2**20)
            time.sleep(0.5)
        for name, proc in agents.items():
            print(
                f"{name}: RSS {psutil.Process(proc.pid).memory_info().rss / 2**20:.1f} MB "
                f"(peak {peaks[name]:.1f} MB over {seconds:.0f} s, goal < 40 MB)"
            )
            proc.terminate()
            proc.wait(15)
    if broker:
        broker.terminate()
        broker.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
