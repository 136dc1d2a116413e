"""Finding a component's process, describing it, and restarting it: never through a shell."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psutil

from .components import SIGNAL, Component

PID_COMMAND_SECONDS = 5
RESTART_COMMAND_SECONDS = 30
STOP_WAIT_SECONDS = 10.0  # how long a restart waits for the old process to end
START_WAIT_SECONDS = (
    8.0  # then for the supervisor to start a new one (the demo's backoff: 1 s, 2 s, ...)
)
OUTPUT_CHARS = 2000  # of a command's output kept in the result
PIDFILE_SLACK_SECONDS = 2.0  # a pidfile is written just after its process starts


@dataclass(frozen=True)
class Found:
    """The component's live process, or why there is none."""

    process: psutil.Process | None
    detail: str


def find(component: Component) -> Found:
    """The live process of `component`, from its pidfile or its pid_command."""
    if component.pidfile is not None:
        return from_pidfile(component)
    if component.pid_command is not None:
        return from_command(component.pid_command)
    return Found(None, "no pidfile or pid_command configured: its state is unknown")


def from_pidfile(component: Component) -> Found:
    path = component.pidfile
    try:
        raw = path.read_text().strip()
        written = path.stat().st_mtime
    except FileNotFoundError:
        return Found(None, f"not running: no pidfile at {path}")
    except OSError as exc:
        return Found(None, f"pidfile {path} cannot be read: {exc.strerror}")
    if not raw.isdigit():
        return Found(None, f"pidfile {path} holds {raw[:40]!r}, not a pid")
    found = alive(int(raw), source=str(path))
    # A pid is reused once its process is gone: a process younger than the pidfile is another one.
    if found.process is not None and found.process.create_time() > written + PIDFILE_SLACK_SECONDS:
        return Found(
            None, f"not running: pid {raw} in {path} now belongs to a process started after it"
        )
    return found


def run_argv(argv, timeout: float) -> subprocess.CompletedProcess:
    """Run a configured argv as is: no shell, no stdin, its output captured, bounded in time."""
    return subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def from_command(command: tuple[str, ...]) -> Found:
    try:
        done = run_argv(command, PID_COMMAND_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Found(None, f"pid_command failed: {exc}")
    raw = done.stdout.strip()
    if done.returncode or not raw.isdigit():
        return Found(
            None, f"pid_command exited {done.returncode} printing {raw[:80]!r}: state unknown"
        )
    if raw == "0":  # systemd's MainPID of a stopped unit
        return Found(None, "not running (pid_command printed 0)")
    return alive(int(raw), source="pid_command")


def alive(pid: int, *, source: str) -> Found:
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return Found(None, f"not running: pid {pid} ({source}) has exited")
        return Found(process, "running")
    except psutil.NoSuchProcess:
        return Found(None, f"not running: pid {pid} ({source}) is gone")
    except psutil.AccessDenied:
        return Found(None, f"pid {pid} ({source}) exists but this user may not inspect it")


def describe(component: Component) -> dict:
    """What `action.status` shows for one component: running?, pid, uptime, memory, its log."""
    found = find(component)
    state = {
        "name": component.name,
        "running": False,
        "pid": None,
        "detail": found.detail,
        "restart": component.restart_kind,
        "log": log_info(component),
    }
    if found.process is None:
        return state
    try:
        with found.process.oneshot():
            started = found.process.create_time()
            state.update(
                running=True,
                pid=found.process.pid,
                started_at=datetime.fromtimestamp(started, UTC).isoformat(),
                uptime_s=round(time.time() - started, 1),
                rss_bytes=found.process.memory_info().rss,
                threads=found.process.num_threads(),
            )
    except (psutil.NoSuchProcess, psutil.AccessDenied) as exc:
        state.update(running=False, pid=None, detail=f"process went away while being read: {exc}")
    return state


def log_info(component: Component) -> dict:
    try:
        stat = component.log.stat()
    except OSError:
        return {"path": str(component.log), "exists": False}
    return {
        "path": str(component.log),
        "exists": True,
        "size": stat.st_size,
        "modified_at": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
    }


def restart(component: Component) -> dict:
    """Restart `component` as its table says; the result says what happened, ok or not."""
    if component.restart == SIGNAL:
        return restart_by_signal(component)
    return restart_by_command(component)


def restart_by_signal(component: Component) -> dict:
    found = find(component)
    result = {"component": component.name, "how": "SIGTERM, then its supervisor starts it again"}
    if found.process is None:
        return {**result, "ok": False, "detail": f"nothing to restart: {found.detail}"}
    old = found.process
    # Never this process (the uplink: it carries the answer), its parent (the demo's
    # supervisor: everything would stop) or init, whatever a pidfile says.
    if old.pid in (os.getpid(), os.getppid(), 1):
        return {
            **result,
            "ok": False,
            "detail": f"pid {old.pid} is this process, its supervisor or init: not signalled",
        }
    old.send_signal(signal.SIGTERM)
    if not wait_until_ended(old):
        return {
            **result,
            "ok": False,
            "old_pid": old.pid,
            "detail": f"SIGTERM sent; pid {old.pid} still runs after {STOP_WAIT_SECONDS:.0f} s",
        }
    new = wait_for_new_process(component, old.pid)
    if new is None:
        return {
            **result,
            "ok": False,
            "old_pid": old.pid,
            "detail": f"pid {old.pid} stopped; no new process within {START_WAIT_SECONDS:.0f} s "
            "(is its supervisor running? status shows when it is back)",
        }
    return {
        **result,
        "ok": True,
        "old_pid": old.pid,
        "new_pid": new,
        "detail": f"pid {old.pid} stopped; pid {new} runs",
    }


def wait_until_ended(process: psutil.Process) -> bool:
    # Polled, never waitpid(): the exit status belongs to the supervisor, which reports it.
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def wait_for_new_process(component: Component, old_pid: int) -> int | None:
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        found = find(component)
        if found.process is not None and found.process.pid != old_pid:
            return found.process.pid
        time.sleep(0.1)
    return None


def restart_by_command(component: Component) -> dict:
    command = list(component.restart)
    result = {"component": component.name, "how": "command", "argv": command}
    started = time.monotonic()
    try:
        done = run_argv(command, RESTART_COMMAND_SECONDS)
    except subprocess.TimeoutExpired:
        return {
            **result,
            "ok": False,
            "detail": f"the restart command did not finish in {RESTART_COMMAND_SECONDS} s",
        }
    except OSError as exc:
        return {**result, "ok": False, "detail": f"the restart command could not run: {exc}"}
    return {
        **result,
        "ok": done.returncode == 0,
        "exit_code": done.returncode,
        "seconds": round(time.monotonic() - started, 2),
        "output": (done.stdout + done.stderr)[-OUTPUT_CHARS:],
        "detail": "restarted"
        if done.returncode == 0
        else f"the restart command exited {done.returncode}",
    }
