from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from smartcart import tunnel_frames as frames

from ..conftest import send_heartbeat, tunnel


async def connected_store(key: str, code: str = "store-001") -> WebsocketCommunicator:
    """A store's tunnel, open and heard from (its first heartbeat acked)."""
    comm = tunnel(code, key)
    connected, _ = await comm.connect()
    assert connected
    return comm


async def next_frame(comm: WebsocketCommunicator, kind: str, timeout: float = 5) -> dict:
    """The next frame of type `kind` (heartbeat acks before it are skipped)."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def answer(comm: WebsocketCommunicator, frame_id: str, state: str, result: dict) -> None:
    await comm.send_to(text_data=frames.ack(frame_id, state=state, result=result).to_json())


async def post_command(
    client, name: str, args: dict | None = None, ttl_s: int = 600, code="store-001"
):
    return await sync_to_async(client.post)(
        f"/api/v1/stores/{code}/commands/",
        {"name": name, "args": args or {}, "ttl_s": ttl_s},
        format="json",
    )


__all__ = ["answer", "connected_store", "next_frame", "post_command", "send_heartbeat"]
