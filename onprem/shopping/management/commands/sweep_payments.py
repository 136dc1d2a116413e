"""Follow every waiting shopper payment once and end those nobody paid in time."""

from __future__ import annotations

import json
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from onprem.shopping import checkout

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Ask the cashless terminal about every waiting payment, settle the finished ones and "
        "cancel those past SMARTCART_CASHLESS_PURCHASE_TIMEOUT_SECONDS (till payments past "
        "SMARTCART_SHOPPING_TILL_TIMEOUT_SECONDS). Beat runs the same every few seconds; "
        "--every runs it as a loop where no beat runs (the demo)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="repeat every SECONDS until SIGTERM"
        )

    def handle(self, *args, every: float, **options) -> None:
        if every < 0:
            raise CommandError(f"--every is a number of seconds, not {every}")
        if not every:
            self.stdout.write(json.dumps(checkout.sweep_payments()))
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            self.sweep_once()
            stop.wait(every)

    @staticmethod
    def sweep_once() -> None:
        close_old_connections()
        try:
            seen = checkout.sweep_payments()
        except Exception:  # noqa: BLE001 - the database may be away: try again next round
            log.exception("payment sweep failed: trying again next round")
            return
        if seen["settled"] or seen["errors"]:
            log.info("payment sweep %s", json.dumps(seen))
