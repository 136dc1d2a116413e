"""The live page's WebSocket (/ws/dashboard/): staff only, a full snapshot on connect (so a
reconnect catches up), then the store group's deltas and alert changes."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation

from . import alerts_panel
from .access import is_staff
from .broadcast import store_group
from .language import language_for_scope
from .live import store_snapshot
from .relay import RELAY, in_memory_layer

log = logging.getLogger(__name__)
NOT_STAFF = 4403  # close code: like HTTP 403


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if not is_staff(user):
            await self.accept()
            await self.close(code=NOT_STAFF)
            return
        self.language = await database_sync_to_async(language_for_scope)(self.scope)
        self.group = store_group()
        if in_memory_layer():
            RELAY.listen(asyncio.get_running_loop())
        # Joined before the snapshot is read: nothing that happens meanwhile is missed.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(self.snapshot)())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_json(await database_sync_to_async(self.snapshot)())

    def snapshot(self) -> dict:
        with translation.override(self.language):
            return {**store_snapshot(), "alerts": alerts_panel.active_summaries()}

    async def store_delta(self, event: dict) -> None:
        await self.send_json(event["delta"])

    async def store_alert(self, event: dict) -> None:
        summary = await database_sync_to_async(self.alert)(event["id"])
        if summary is not None:
            await self.send_json({"type": "alert", "alert": summary})

    def alert(self, alert_id: int) -> dict | None:
        with translation.override(self.language):
            return alerts_panel.summary_of(alert_id)
