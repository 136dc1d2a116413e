"""python manage.py monitor — the cloud's sweeps where no Celery beat runs.

Each sweep: silent stores offline, store commands expired and sent again, incidents opened
and resolved, notices delivered and reminders queued, on-prem updates settled, the heartbeat
history's offline minutes (and hourly pruning). Each step is guarded: one that fails is
logged and the others (and the next sweep) still run. A step whose module or function is not
installed is skipped, so parts can land in any order.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

log = logging.getLogger(__name__)


def offline_line(codes: list[str]) -> str:
    return f"offline: {', '.join(codes)}" if codes else ""


def incidents_line(summary: dict) -> str:
    parts = [f"{k} {summary[k]}" for k in ("opened", "resolved", "flapping") if summary.get(k)]
    if summary.get("errors"):
        parts.append(f"stores failed {', '.join(sorted(summary['errors']))}")
    return f"incidents: {', '.join(parts)}" if parts else ""


def count_line(label: str) -> Callable[[object], str]:
    return lambda n: f"{label}: {n}" if isinstance(n, int) and n else ""


@dataclass
class Step:
    name: str
    module: str
    function: str
    report: Callable[[object], str]
    every: float = 0.0  # seconds between runs; 0 = every sweep
    last_run: float = float("-inf")

    def due(self, clock: float) -> bool:
        return clock - self.last_run >= self.every

    def resolve(self) -> Callable | None:
        """The step's function, or None while its part is not installed."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name != self.module:
                raise  # the module is there but broken: that is the step failing, say so
            return None
        return getattr(module, self.function, None)


def steps() -> list[Step]:
    return [
        Step("stale stores", "cloud.stores.services", "mark_stale_stores_offline", offline_line),
        Step(
            "expire commands",
            "cloud.commands.services",
            "expire_store_commands",
            count_line("store commands expired"),
        ),
        Step(
            "resend commands",
            "cloud.commands.services",
            "deliver_due",
            count_line("store commands sent again"),
        ),
        Step("incidents", "cloud.incidents.services", "sweep", incidents_line),
        Step("notices", "cloud.notifications.services", "deliver_due", lambda r: ""),
        Step(
            "reminders",
            "cloud.notifications.services",
            "remind_due",
            count_line("reminders queued"),
        ),
        # On-prem updates follow their commands: taken → sent, refused or expired → failed.
        Step(
            "rollouts",
            "cloud.software.services",
            "settle_commands",
            count_line("store updates settled"),
        ),
        # The heartbeat history: an offline sample per minute for offline stores; it prunes
        # samples older than it keeps itself, at most once an hour.
        Step("history", "cloud.stores.history", "sweep", lambda r: ""),
    ]


class Command(BaseCommand):
    help = (
        "Every --interval seconds: mark stores offline whose heartbeats stopped, expire and "
        "resend store commands, open and resolve incidents, deliver notices and reminders, "
        "settle on-prem updates, keep the heartbeat history (SIGTERM stops cleanly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=10.0, help="seconds between sweeps (default 10)"
        )
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        if interval <= 0:
            raise CommandError(f"--interval must be above 0, not {interval}")
        stopping = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
        log.info(
            "monitor started interval=%ss offline_after=%ss incident_grace=%ss",
            interval,
            settings.STORE_OFFLINE_AFTER_SECONDS,
            settings.INCIDENT_GRACE_SECONDS,
        )
        self.steps = steps()
        self.sweep()
        while not once and not stopping.wait(interval):
            self.sweep()
        log.info("monitor stopped")

    def sweep(self) -> None:
        clock = time.monotonic()
        for step in self.steps:
            if step.due(clock):
                step.last_run = clock
                self.run(step)

    def run(self, step: Step) -> None:
        # A long-lived process must drop connections the database closed behind its back.
        close_old_connections()
        try:
            function = step.resolve()
            line = step.report(function()) if function else ""
        except Exception:  # one failing step must not stop the others, nor the next sweep
            log.exception("monitor step failed step=%s", step.name)
            return
        if line:
            self.stdout.write(line)
