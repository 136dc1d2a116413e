"""python manage.py updates — fetch release artifacts, pick campaign devices, send update jobs
through their gates, follow them (SIGTERM stops cleanly)."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from onprem.updates.worker import UpdatesWorker


class Command(BaseCommand):
    help = "Run the firmware updates worker (docs/ota.md, 'The store's worker')."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between passes")

    def handle(self, *args, tick: float, **options):
        if not 0.05 <= tick <= 60:
            raise CommandError(f"--tick must be 0.05..60 seconds, not {tick}")
        worker = UpdatesWorker(tick=tick)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: worker.stop())
        worker.run()
