"""The remote-access proxy's part of the tunnel consumer (docs/tunnel.md, "Remote access").

The consumer keeps which proxy view waits for which request (request id → the view's reply
channel): the view sends its request here through the channel layer, the store's
`http_response` frames come back here, and this forwards each to the view that asked.
"""

from __future__ import annotations

import logging

from channels.exceptions import ChannelFull

from smartcart import tunnel_frames as frames

log = logging.getLogger(__name__)
RESPONSE_EVENT = "remote.response"


def cancel_frame(request_id: str) -> frames.Frame:
    return frames.Frame(frames.HTTP_CANCEL, frames.new_id(), {"request": request_id})


class RemoteFrames:
    """Mixed into TunnelConsumer: forwards http_request frames, routes http_response back."""

    remote_waiting: dict[str, str] | None = None

    def remote_handlers(self) -> dict:
        return {frames.HTTP_RESPONSE: self.on_http_response}

    def waiting_views(self) -> dict[str, str]:
        if self.remote_waiting is None:
            self.remote_waiting = {}
        return self.remote_waiting

    async def tunnel_http_request(self, event: dict) -> None:
        """A proxy view's request: remember where the answer goes, then send it to the store."""
        if self.store is None or self.released:
            return
        self.waiting_views()[event["request"]] = event["reply"]
        await self.send(text_data=event["frame"])

    async def tunnel_http_cancel(self, event: dict) -> None:
        """The view's client went away (or it gave up): forget it and tell the store to stop."""
        if self.waiting_views().pop(event["request"], None) and not self.released:
            await self.send_frame(cancel_frame(event["request"]))

    async def on_http_response(self, frame: frames.Frame) -> None:
        request_id = frame.body.get("request")
        reply = self.waiting_views().get(request_id) if isinstance(request_id, str) else None
        if reply is None:
            # Nobody waits (the view timed out or its client left): stop the store's work.
            if isinstance(request_id, str) and not frame.body.get("final"):
                await self.send_frame(cancel_frame(request_id))
            return
        if frame.body.get("final"):
            self.waiting_views().pop(request_id, None)
        try:
            await self.channel_layer.send(reply, {"type": RESPONSE_EVENT, "body": frame.body})
        except ChannelFull:
            # The view stopped reading although the store keeps to the ack window: drop it.
            log.warning("remote request %s: the waiting view's channel is full", request_id)
            self.waiting_views().pop(request_id, None)
            await self.send_frame(cancel_frame(request_id))
