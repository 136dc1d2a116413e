"""python manage.py ingest — subscribe to the store's devices and store what they send."""

from __future__ import annotations

import faulthandler
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onprem.fleet import mqtt as fleet_mqtt
from onprem.fleet.pipeline import IngestPipeline


class Command(BaseCommand):
    help = "Run MQTT ingest: telemetry, status and events into the fleet database (SIGTERM stops cleanly)."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="ingest", help="ingest process name (its client id and health row)")
        parser.add_argument("--shared", action="store_true",
                            help="join the store's shared subscription: run several such processes, "
                                 "each with its own --name and --mqtt-user, and the broker splits the load")
        parser.add_argument("--mqtt-user", default="",
                            help="MQTT username of this worker (default: SMARTCART_MQTT_URL's); the broker "
                                 "uses it as the client id, so each worker needs its own")
        parser.add_argument("--mqtt-password-file", type=Path,
                            help="file holding that user's password (default: SMARTCART_MQTT_URL's)")

    def handle(self, *args, name: str, shared: bool, mqtt_user: str, mqtt_password_file: Path | None, **options):
        password = read_password(mqtt_password_file)
        pipeline = IngestPipeline(name=name, shared=shared)
        if mqtt_user or mqtt_password_file:
            fleet_mqtt.use_credentials(pipeline.client, username=mqtt_user or settings.MQTT["username"] or "",
                                       password=password)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: pipeline.stop())
        # `kill -USR1 <pid>` prints every thread's stack to stderr: where a stuck ingest waits.
        # Every signal ingest handles also wakes its inbox (IngestPipeline.stop() says why).
        signal.signal(signal.SIGUSR1, lambda *_: pipeline.wake())
        faulthandler.register(signal.SIGUSR1, all_threads=True, chain=True)
        pipeline.run()


def read_password(path: Path | None) -> str:
    if path is None:
        return settings.MQTT["password"] or ""
    try:
        password = path.read_text().strip()
    except OSError as exc:
        raise CommandError(f"--mqtt-password-file {path}: {exc.strerror}") from None
    if not password:
        raise CommandError(f"--mqtt-password-file {path} is empty")
    return password
