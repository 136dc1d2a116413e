"""The cloud's log lines carry the store a tunnel serves (and device=), even when the message
itself does not name it: the tunnel consumer binds its store to its connection."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async

from smartcart import logcontext
from tests.log_lines import lines_with, tier_log_lines

from .conftest import send_heartbeat, tunnel


def test_it_tags_the_tunnel_consumers_lines_with_its_store(transactional_db, store_key):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await send_heartbeat(comm)
        await comm.send_to(text_data="{not json")
        await comm.receive_json_from(timeout=5)
        await comm.disconnect()

    with tier_log_lines() as out:
        asyncio.run(scenario())

    [connected] = lines_with(out, "tunnel connected")
    [bad] = lines_with(out, "tunnel bad frame")
    for line in (connected, bad):
        assert " logger=cloud." in line and " store=store-001 device=- " in line


def test_it_keeps_a_bound_store_for_lines_that_do_not_name_it(db):
    log = logging.getLogger("cloud.test")

    async def one_connection(code: str):
        logcontext.bind(store=code)  # what the consumer does once the store is known
        await database_sync_to_async(log.warning)("a service call inside the connection")

    async def two_connections():
        await asyncio.gather(asyncio.create_task(one_connection("store-a")),
                             asyncio.create_task(one_connection("store-b")))

    with tier_log_lines() as out:
        asyncio.run(two_connections())
        log.warning("outside any connection")

    lines = out.getvalue().splitlines()
    assert sorted(line.split(" store=")[1].split()[0] for line in lines[:2]) == ["store-a", "store-b"]
    assert " store=- device=- " in lines[2]
