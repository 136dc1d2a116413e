"""The software part of the tunnel consumer: a store's `software_report` frames."""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async

from smartcart import tunnel_frames as frames

from . import services
from .errors import ReportError

log = logging.getLogger(__name__)


class SoftwareFrames:
    """Mixed into TunnelConsumer: keeps each on-prem update report and acks it by id."""

    def software_handlers(self) -> dict:
        return {frames.SOFTWARE_REPORT: self.on_software_report}

    async def on_software_report(self, frame: frames.Frame) -> None:
        try:
            await database_sync_to_async(services.record_report)(self.store, frame.body)
        except ReportError as exc:
            log.warning(
                "tunnel bad software_report store=%s id=%s: %s", self.store.code, frame.id, exc
            )
            await self.send_frame(frames.error(frame.id, "bad_software_report", str(exc)))
            return
        await self.send_frame(frames.ack(frame.id))
