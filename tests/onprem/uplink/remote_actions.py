"""Helpers for the remote-action tests: a component table under tmp_path, real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from onprem.uplink.components import SIGNAL, Component, demo_components


def demo_table(tmp_path: Path) -> dict[str, Component]:
    """The demo's table, with its logs and pidfiles under tmp_path/logs and tmp_path/run."""
    (tmp_path / "logs").mkdir(exist_ok=True)
    (tmp_path / "run").mkdir(exist_ok=True)
    return demo_components(log_dir=tmp_path / "logs", run_dir=tmp_path / "run")


def sleeper(pidfile: Path) -> subprocess.Popen:
    """A real process that runs until stopped, with its pid written as a supervisor would."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    pidfile.write_text(f"{proc.pid}\n")
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


__all__ = ["SIGNAL", "demo_table", "sleeper", "stop"]
