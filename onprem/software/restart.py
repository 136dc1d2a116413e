"""Restarting the store's on-prem components so they run the release `current` names.

Production names one command for it (SMARTCART_SOFTWARE_RESTART, an argv run without a shell,
e.g. `/usr/bin/systemctl restart smartcart-onprem.target`). Otherwise, as in the demo, each
component in SMARTCART_SOFTWARE_COMPONENTS gets SIGTERM through its pidfile and its supervisor
starts it again through the launcher (onprem/software/launch.py); we wait for the new pids.
The uplink is one of them: the heartbeat's version is the uplink's own.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time

from django.conf import settings

from onprem.uplink.components import Component
from onprem.uplink.processes import from_pidfile

log = logging.getLogger(__name__)
COMMAND_SECONDS = 300
NEW_PID_SECONDS = 60.0


def restart_components() -> str:
    """Restart every on-prem component; '' when each came back, else why not."""
    if settings.SOFTWARE_RESTART:
        return run_restart_command(settings.SOFTWARE_RESTART)
    components = [
        Component(
            name=name,
            log=settings.LOG_DIR / f"{name}.log",
            pidfile=settings.RUN_DIR / f"{name}.pid",
        )
        for name in settings.SOFTWARE_COMPONENTS
    ]
    stopped = {}
    for component in components:
        found = from_pidfile(component)
        if found.process is None:
            log.warning("software update: %s not restarted: %s", component.name, found.detail)
            continue
        stopped[component.name] = (component, found.process.pid)
        os.kill(found.process.pid, signal.SIGTERM)
    return wait_new_pids(stopped)


def wait_new_pids(stopped: dict) -> str:
    deadline = time.monotonic() + NEW_PID_SECONDS
    waiting = dict(stopped)
    while waiting and time.monotonic() < deadline:
        for name, (component, old_pid) in list(waiting.items()):
            found = from_pidfile(component)
            if found.process is not None and found.process.pid != old_pid:
                del waiting[name]
        time.sleep(0.3)
    if waiting:
        return f"not back within {NEW_PID_SECONDS:.0f} s: {', '.join(sorted(waiting))}"
    return ""


def run_restart_command(argv: tuple[str, ...]) -> str:
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the restart command failed: {exc}"
    if done.returncode:
        return f"the restart command exited {done.returncode}: {done.stderr.strip()[-300:]}"
    return ""
