"""manage.py rotate_store_key: the new key opens the tunnel at once, the old one only until its
grace period ends, and an unknown store is a clear error."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cloud.stores.models import Store

from .conftest import close_code, send_heartbeat, tunnel


def rotate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_store_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def opens(code: str, key: str) -> bool:
    """Does the cloud take a heartbeat over a tunnel opened with this key?"""

    async def scenario():
        comm = tunnel(code, key)
        await comm.connect()
        try:
            _, answer = await send_heartbeat(comm)
        except AssertionError:
            return False
        await comm.disconnect()
        return answer["type"] == "ack"

    async def refused():
        comm = tunnel(code, key)
        await comm.connect()
        return await close_code(comm) == 4401

    accepted = asyncio.run(scenario())
    assert accepted or asyncio.run(refused()), "neither an ack nor a 4401 close"
    return accepted


def test_it_opens_the_tunnel_with_the_new_key_and_the_old_one_within_the_grace(transactional_db, store_key):
    new_key, said = rotate("store-001", "--grace-minutes", "30")

    assert new_key != store_key and len(new_key) >= 24
    assert "old key works until" in said
    assert opens("store-001", new_key)
    assert opens("store-001", store_key), "the old key still works inside the grace period"


def test_it_refuses_the_old_key_after_the_grace(transactional_db, store_key):
    new_key, _ = rotate("store-001", "--grace-minutes", "30")
    Store.objects.filter(code="store-001").update(
        previous_key_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert not opens("store-001", store_key)
    assert opens("store-001", new_key)


def test_it_refuses_the_old_key_at_once_with_no_grace(transactional_db, store_key):
    new_key, said = rotate("store-001", "--grace-minutes", "0")

    assert "refused from now" in said
    assert not opens("store-001", store_key)
    assert opens("store-001", new_key)


def test_it_takes_a_chosen_key_even_one_that_starts_with_a_dash(transactional_db, store_key):
    chosen = "-k" + "k" * 30
    printed, _ = rotate("store-001", "--key", chosen)

    assert printed == chosen and opens("store-001", chosen)


def test_it_says_so_for_an_unknown_store(transactional_db, store_key):
    with pytest.raises(CommandError, match="store store-999 is not registered"):
        rotate("store-999")
    assert Store.objects.get(code="store-001").previous_key_hash == ""


def test_it_refuses_a_short_key(transactional_db, store_key):
    with pytest.raises(CommandError, match="at least 24 characters"):
        rotate("store-001", "--key", "short")
