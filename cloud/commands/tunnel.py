"""The cloud command outbox's part of the tunnel consumer (docs/tunnel.md, "Commands")."""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async

from smartcart import tunnel_frames as frames

from . import services
from .errors import StoreCommandError

log = logging.getLogger(__name__)


class CommandFrames:
    """Mixed into TunnelConsumer: sends the store's pending commands, records its acks.

    The cloud also sends `ack` frames (to heartbeats), but only the store's acks come in here:
    each must carry a command's outcome, `{"state": "done"|"failed", "result": {...}}`.
    """

    def command_handlers(self) -> dict:
        return {frames.ACK: self.on_command_ack}

    async def on_connected_commands(self) -> None:
        """Called once the store is authenticated and marked connected: send what waits for it."""
        sent = await database_sync_to_async(services.deliver_pending)(self.store)
        if sent:
            log.info("store commands resent on connect store=%s count=%d", self.store.code, sent)

    async def on_command_ack(self, frame: frames.Frame) -> None:
        try:
            state, result = services.check_ack_body(frame.body)
        except StoreCommandError as exc:
            log.warning("tunnel bad ack store=%s id=%s: %s", self.store.code, frame.id, exc)
            await self.send_frame(frames.error(frame.id, "bad_ack", str(exc)))
            return
        await database_sync_to_async(services.record_store_ack)(
            store=self.store, command_id=frame.id, state=state, result=result
        )
