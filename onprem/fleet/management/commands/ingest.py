"""python manage.py ingest — subscribe to the store's devices and store what they send."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from onprem.fleet.pipeline import IngestPipeline


class Command(BaseCommand):
    help = "Run MQTT ingest: telemetry, status and events into the fleet database (SIGTERM stops cleanly)."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="ingest", help="ingest process name (its client id and health row)")

    def handle(self, *args, name: str, **options):
        pipeline = IngestPipeline(name=name)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: pipeline.stopping.set())
        pipeline.run()
