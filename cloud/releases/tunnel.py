"""The releases' part of the tunnel consumer: a store's `ota_report` frames (docs/ota.md)."""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async

from smartcart import tunnel_frames as frames

from . import campaigns, reports
from .errors import ReportError

log = logging.getLogger(__name__)


class ReleaseFrames:
    """Mixed into TunnelConsumer: keeps each report, acks it, then re-judges the campaigns it
    touched (which may pause one, move it to its next phase or finish it)."""

    def release_handlers(self) -> dict:
        return {frames.OTA_REPORT: self.on_ota_report}

    async def on_ota_report(self, frame: frames.Frame) -> None:
        try:
            report = reports.clean_report(frame.body)
        except ReportError as exc:
            log.warning("tunnel bad ota_report store=%s id=%s: %s", self.store.code, frame.id, exc)
            await self.send_frame(frames.error(frame.id, "bad_ota_report", str(exc)))
            return
        touched = await database_sync_to_async(reports.apply_report)(
            store=self.store, report=report
        )
        # Acked once kept: the store stops resending it even if judging fails below.
        await self.send_frame(frames.ack(frame.id))
        for campaign_id in sorted(touched):
            try:
                await database_sync_to_async(campaigns.evaluate)(campaign_id=campaign_id)
            except Exception:  # one campaign that cannot be judged must not stop the others
                log.exception("campaign evaluation failed id=%s", campaign_id)
