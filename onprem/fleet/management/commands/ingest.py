"""python manage.py ingest — subscribe to the store's devices and store what they send."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from onprem.fleet.pipeline import IngestPipeline


class Command(BaseCommand):
    help = "Run MQTT ingest: telemetry, status and events into the fleet database (SIGTERM stops cleanly)."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="ingest", help="ingest process name (its client id and health row)")
        parser.add_argument("--shared", action="store_true",
                            help="join the store's shared subscription: run several such processes, "
                                 "each with its own --name, and the broker splits the load")

    def handle(self, *args, name: str, shared: bool, **options):
        pipeline = IngestPipeline(name=name, shared=shared)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: pipeline.stopping.set())
        pipeline.run()
