"""python manage.py uplink — hold the store's tunnel to the cloud open (SIGTERM closes cleanly)."""

from __future__ import annotations

import asyncio
import signal

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onprem.software.report import SoftwareReport
from onprem.updates.report import UplinkOtaReport
from onprem.uplink import commands, proxy
from onprem.uplink.client import Backoff, Uplink, tunnel_url
from onprem.uplink.services import build_heartbeat


class Command(BaseCommand):
    help = "Open the tunnel to SMARTCART_CLOUD_URL with the store's key and send heartbeats."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-backoff", type=float, default=30.0, help="longest pause between reconnects (s)"
        )

    def handle(self, *args, max_backoff: float, **options):
        if not settings.CLOUD_STORE_KEY:
            raise CommandError(
                "SMARTCART_CLOUD_STORE_KEY is not set: register the store in the cloud "
                "(manage.py register_store) and give this store its key"
            )
        if max_backoff < 1:
            raise CommandError(f"--max-backoff must be at least 1 second, not {max_backoff}")
        asyncio.run(self.run(max_backoff))

    async def run(self, max_backoff: float) -> None:
        uplink = Uplink(
            url=tunnel_url(settings.CLOUD_URL),
            store=settings.STORE_ID,
            key=settings.CLOUD_STORE_KEY,
            heartbeat_seconds=settings.HEARTBEAT_SECONDS,
            build_heartbeat=database_sync_to_async(build_heartbeat),
            backoff=Backoff(cap=max_backoff),
            handlers={**commands.frame_handlers(), **proxy.frame_handlers()},
            reports=[UplinkOtaReport(), SoftwareReport()],
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, uplink.stopping.set)
        await uplink.run()
