"""The cloud end of the tunnel: one WebSocket per store, opened by the store (docs/tunnel.md)."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from cloud.commands.tunnel import CommandFrames
from cloud.core import metrics
from cloud.releases.tunnel import ReleaseFrames
from cloud.remote.tunnel import RemoteFrames
from cloud.software.tunnel import SoftwareFrames
from cloud.stores import services
from cloud.stores.models import Store
from smartcart import logcontext
from smartcart import tunnel_frames as frames

log = logging.getLogger(__name__)


def header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


def bearer_key(scope: dict) -> str:
    scheme, _, key = header(scope, b"authorization").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


class TunnelConsumer(
    CommandFrames, RemoteFrames, ReleaseFrames, SoftwareFrames, AsyncWebsocketConsumer
):
    """Authenticates the store at connect, then dispatches its frames by type.

    Not the JSON consumer: a frame that is not JSON gets an error frame back instead of
    an exception that would drop the whole tunnel. However the connection ends (a close, an
    exception, the server cancelling the consumer at shutdown), `release()` runs, so the
    registry never keeps `connected` for a socket that is gone.
    """

    store: Store | None = None
    released: bool = False

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Shielded: a server stopping cancels the consumer, and this must still run.
            await asyncio.shield(self.release(None))

    async def connect(self) -> None:
        code = header(self.scope, b"x-smartcart-store")
        self.store = await database_sync_to_async(services.authenticate_store)(
            code=code, key=bearer_key(self.scope)
        )
        # Accept, then close with 4401: a refused handshake would reach the store as a bare
        # HTTP 403, and the store could not tell bad credentials from a misrouted proxy.
        await self.accept()
        metrics.TUNNEL_CONNECTIONS.labels("refused" if self.store is None else "accepted").inc()
        if self.store is None:
            log.warning(
                "tunnel refused store=%r client=%s: unknown store or wrong key",
                code,
                self.scope.get("client"),
            )
            await self.close(code=frames.CLOSE_UNAUTHORIZED)
            return
        # Every later log line of this connection (its task) says which store it is about.
        logcontext.bind(store=self.store.code)
        previous = await database_sync_to_async(services.mark_connected)(
            store=self.store, channel_name=self.channel_name
        )
        if previous:
            await self.channel_layer.send(previous, {"type": "tunnel.replaced"})
        await self.on_connected_commands()

    async def disconnect(self, code: int) -> None:
        await self.release(code)

    async def release(self, code: int | None) -> None:
        """Take the store offline once, if this connection still speaks for it."""
        if self.store is None or self.released:
            return
        self.released = True
        await database_sync_to_async(services.mark_disconnected)(
            store=self.store, channel_name=self.channel_name
        )
        log.info("tunnel gone store=%s code=%s", self.store.code, code or "none (ended abruptly)")

    async def tunnel_replaced(self, event: dict) -> None:
        """A newer connection of the same store took over: this one must stop speaking for it."""
        log.info(
            "tunnel replaced by a newer connection store=%s", self.store.code if self.store else "?"
        )
        await self.close(code=frames.CLOSE_REPLACED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.store is None:
            return
        try:
            frame = frames.decode(text_data if text_data is not None else bytes_data or b"")
        except frames.FrameError as exc:
            log.warning("tunnel bad frame store=%s: %s %s", self.store.code, exc.code, exc)
            await self.send_frame(frames.error(exc.frame_id, exc.code, str(exc)))
            return
        metrics.count_frame(frame.type)
        try:
            await self.dispatch_frame(frame)
        except Exception:  # one frame that breaks a handler must not drop the store's tunnel
            log.exception("tunnel frame failed store=%s type=%s", self.store.code, frame.type)
            await self.send_frame(
                frames.error(frame.id, "internal_error", "the cloud could not handle this frame")
            )

    async def dispatch_frame(self, frame: frames.Frame) -> None:
        handler = self.handlers().get(frame.type)
        if handler is None:
            await self.send_frame(frames.unknown_type(frame, list(self.handlers())))
            return
        await handler(frame)

    def handlers(self) -> dict:
        return {
            frames.HEARTBEAT: self.on_heartbeat,
            **self.command_handlers(),
            **self.remote_handlers(),
            **self.release_handlers(),
            **self.software_handlers(),
        }

    async def tunnel_frame(self, event: dict) -> None:
        """Any process of the cloud sends a frame to this store through the channel layer:
        `channel_layer.send(store.channel_name, {"type": "tunnel.frame", "frame": json})`."""
        if self.store is not None and not self.released:
            await self.send(text_data=event["frame"])

    async def on_heartbeat(self, frame: frames.Frame) -> None:
        body = {**frame.body, "sent_at": frame.sent_at}
        try:
            live = await database_sync_to_async(services.record_heartbeat)(
                store=self.store, channel_name=self.channel_name, body=body
            )
        except services.StoreError as exc:
            await self.send_frame(frames.error(frame.id, "bad_heartbeat", str(exc)))
            return
        if not live:
            await self.close(code=frames.CLOSE_REPLACED)
            return
        await self.send_frame(frames.ack(frame.id))

    async def send_frame(self, frame: frames.Frame) -> None:
        await self.send(text_data=frame.to_json())
