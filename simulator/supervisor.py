"""The demo's process supervision: start children, report one that exits, restart it with
backoff, leave a crash-looping one stopped (loudly) while the rest runs, stop them all.

Used by `smartcart demo` (simulator/demo.py); the store's remote actions restart a demo child
by the pidfile each child's spawn writes (var/run/<name>.pid).
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("simulator.demo")
RESTART_LIMIT = 5  # restarts within RESTART_WINDOW_SECONDS before a child counts as crash-looping
RESTART_WINDOW_SECONDS = 60.0
FIRST_RESTART_SECONDS = 1.0  # then doubling, up to MAX_RESTART_SECONDS
MAX_RESTART_SECONDS = 30.0


@dataclass
class Child:
    """One supervised process: how to start it again, and when it was last restarted."""

    name: str
    argv: list[str]
    env: dict
    log_file: Path
    proc: subprocess.Popen | None = None
    restarts: deque = field(default_factory=deque)  # monotonic times of recent restarts
    restart_at: float | None = None  # set while a restart is pending
    given_up: bool = False

    def spawn(self) -> None:
        with self.log_file.open("ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # var/run/<name>.pid: the store's remote actions find (and restart) a child by it.
        run_dir = self.log_file.parent.parent / "run"
        run_dir.mkdir(exist_ok=True)
        (run_dir / f"{self.name}.pid").write_text(f"{self.proc.pid}\n")

    def note(self, line: str) -> None:
        """The same line in the child's own log, so its log tells the whole story."""
        with self.log_file.open("a") as out:
            out.write(f"--- demo: {line}\n")


def exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Supervision:
    """What a supervisor does with its `children` (name -> Child) and `on_restart` callbacks;
    the demo's dataclass holds both."""

    children: dict[str, Child]
    on_restart: list
    var: Path

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        return {name: child.proc for name, child in self.children.items()}

    def start_child(self, name: str, argv: list[str], env: dict) -> None:
        child = Child(name, argv, env, self.var / "logs" / f"{name}.log")
        child.spawn()
        self.children[name] = child

    def supervise(self, now: float | None = None) -> None:
        """Report children that exited, restart them when their backoff is over."""
        now = time.monotonic() if now is None else now
        for child in self.children.values():
            if child.given_up:
                continue
            if child.restart_at is None and child.proc.poll() is not None:
                self._exited(child, now)
            elif child.restart_at is not None and now >= child.restart_at:
                self._restart(child, now)

    def _exited(self, child: Child, now: float) -> None:
        while child.restarts and now - child.restarts[0] > RESTART_WINDOW_SECONDS:
            child.restarts.popleft()
        reason = exit_reason(child.proc.returncode)
        if len(child.restarts) >= RESTART_LIMIT:
            child.given_up = True
            line = (
                f"{child.name} is CRASH-LOOPING: {reason} after {len(child.restarts)} restarts within "
                f"{RESTART_WINDOW_SECONDS:.0f} s; it stays stopped, the rest keeps running; see {child.log_file}"
            )
            log.critical(line)
            child.note(line)
            return
        delay = min(MAX_RESTART_SECONDS, FIRST_RESTART_SECONDS * 2 ** len(child.restarts))
        child.restart_at = now + delay
        line = (
            f"{child.name} exited ({reason}); restarting it in {delay:.0f} s; see {child.log_file}"
        )
        log.error(line)
        child.note(line)

    def _restart(self, child: Child, now: float) -> None:
        child.restart_at = None
        child.restarts.append(now)
        child.spawn()
        log.warning(
            "%s restarted (pid %s, restart %d within %.0f s)",
            child.name,
            child.proc.pid,
            len(child.restarts),
            RESTART_WINDOW_SECONDS,
        )
        for callback in self.on_restart:
            callback()

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, proc in self.processes.items():
            if proc.returncode is not None:
                continue
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                proc.kill()

    def died(self) -> str | None:
        return next(
            (name for name, proc in self.processes.items() if proc.poll() is not None), None
        )


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, what: str, demo: Supervision, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while port_free(port):
        if (name := demo.died()) or time.monotonic() > deadline:
            demo.stop()
            sys.exit(
                f"demo: {what} did not start on port {port}"
                + (f": {name} exited, see {demo.var / 'logs' / (name + '.log')}" if name else "")
            )
        time.sleep(0.2)
