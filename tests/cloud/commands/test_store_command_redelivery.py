from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from cloud.commands.models import StoreCommand
from cloud.commands.services import deliver_due, request_store_command
from cloud.stores.models import Store

from .conftest import connected_store, next_frame, send_heartbeat

# The sweep runs in `manage.py monitor`, another process: it reaches a tunnel only through a
# shared channel layer. The in-memory layer of the embedded default has no such path.
pytestmark = pytest.mark.skipif(
    not os.environ.get("SMARTCART_REDIS_URL"),
    reason="the sweep reaches tunnels through Redis (SMARTCART_REDIS_URL); in memory it cannot",
)


def queue() -> StoreCommand:
    store = Store.objects.get(code="store-001")
    return request_store_command(store=store, name="ping", args={}, ttl_s=600, requested_by="ops")


def test_it_sends_again_what_a_live_tunnel_never_answered(transactional_db, store_key):
    # The sweep runs where the channel layer reaches the tunnel's process (Redis in CI).
    async def scenario():
        comm = await connected_store(store_key)
        await send_heartbeat(comm)
        command = await sync_to_async(queue)()
        first = await next_frame(comm, "command")
        early = await sync_to_async(deliver_due)(now=timezone.now() + timedelta(seconds=30))
        later = await sync_to_async(deliver_due)(now=timezone.now() + timedelta(seconds=61))
        again = await next_frame(comm, "command")
        await comm.disconnect()
        return command, first, early, later, again

    command, first, early, later, again = asyncio.run(scenario())

    assert first["id"] == again["id"] == command.pk
    assert (early, later) == (0, 1)
    assert StoreCommand.objects.get(pk=command.pk).attempts == 2


def test_it_sends_a_pending_command_its_request_could_not_hand_over(transactional_db, store_key):
    async def scenario():
        comm = await connected_store(store_key)
        await send_heartbeat(comm)
        # Queued while the tunnel looked closed (a full channel leaves the same state).
        channel = (await Store.objects.aget(code="store-001")).tunnel_channel
        await Store.objects.filter(code="store-001").aupdate(tunnel_channel="")
        command = await sync_to_async(queue)()
        await Store.objects.filter(code="store-001").aupdate(tunnel_channel=channel)
        sent = await sync_to_async(deliver_due)(now=timezone.now() + timedelta(seconds=6))
        frame = await next_frame(comm, "command")
        await comm.disconnect()
        return command, sent, frame

    command, sent, frame = asyncio.run(scenario())

    assert sent == 1 and frame["id"] == command.pk
    assert StoreCommand.objects.get(pk=command.pk).state == "sent"
