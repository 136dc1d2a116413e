"""python manage.py monitor — take silent stores offline (where no Celery beat runs)."""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from cloud.commands.services import deliver_due, expire_store_commands
from cloud.stores.services import mark_stale_stores_offline

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Every --interval seconds, mark stores offline whose heartbeats stopped and expire "
        "store commands past their ttl (SIGTERM stops cleanly)."
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
            "monitor started interval=%ss offline_after=%ss",
            interval,
            settings.STORE_OFFLINE_AFTER_SECONDS,
        )
        self.sweep()
        while not once and not stopping.wait(interval):
            self.sweep()
        log.info("monitor stopped")

    def sweep(self) -> None:
        # A long-lived process must drop connections the database closed behind its back.
        close_old_connections()
        marked = mark_stale_stores_offline()
        if marked:
            self.stdout.write(f"offline: {', '.join(marked)}")
        expired = expire_store_commands()
        if expired:
            self.stdout.write(f"store commands expired: {expired}")
        resent = deliver_due()
        if resent:
            self.stdout.write(f"store commands sent again: {resent}")
