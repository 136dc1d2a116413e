from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cloud.commands.models import StoreCommand
from cloud.commands.services import expire_store_commands, record_store_ack, request_store_command
from cloud.stores.models import Store

from .conftest import connected_store, send_heartbeat


def queue(ttl_s: int = 60) -> StoreCommand:
    store = Store.objects.get(code="store-001")
    return request_store_command(store=store, name="ping", args={}, ttl_s=ttl_s, requested_by="ops")


def age(command: StoreCommand, seconds: float) -> None:
    """Move the command's expiry `seconds` into the past."""
    StoreCommand.objects.filter(pk=command.pk).update(
        expires_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_it_expires_open_commands_past_their_ttl_in_the_monitor_sweep(
    transactional_db, store_key, capsys
):
    # transactional: the monitor closes stale connections, which a test transaction cannot survive
    old, fresh = queue(), queue()
    age(old, 1)

    call_command("monitor", "--once")

    assert StoreCommand.objects.get(pk=old.pk).state == "expired"
    assert StoreCommand.objects.get(pk=old.pk).finished_at is not None
    assert StoreCommand.objects.get(pk=fresh.pk).state == "pending"
    assert "store commands expired: 1" in capsys.readouterr().out


def test_it_does_not_send_an_expired_command(transactional_db, store_key):
    expired = queue()
    age(expired, 1)

    async def scenario():
        comm = await connected_store(store_key)
        _, reply = await send_heartbeat(comm)
        quiet = await comm.receive_nothing(timeout=0.5)
        await comm.disconnect()
        return reply, quiet

    reply, quiet = asyncio.run(scenario())

    assert reply["type"] == "ack" and quiet is True
    assert StoreCommand.objects.get(pk=expired.pk).attempts == 0


def test_it_leaves_finished_commands_alone(db, store_key):
    done = queue()
    record_store_ack(store=done.store, command_id=done.pk, state="done", result={"ok": 1})
    age(done, 1)

    assert expire_store_commands() == 0
    assert StoreCommand.objects.get(pk=done.pk).state == "done"


def test_it_records_a_late_answer_to_an_expired_command(db, store_key):
    # The store started it before it expired (the store refuses to start an expired one):
    # what it did matters more than the clock.
    late = queue()
    age(late, 1)
    expire_store_commands()

    assert record_store_ack(store=late.store, command_id=late.pk, state="done", result={"ok": 1})
    assert StoreCommand.objects.get(pk=late.pk).state == "done"


def test_it_schedules_the_expiry_every_ten_seconds(settings):
    from cloud.commands.tasks import expire_store_commands as expiry_task

    entry = settings.CELERY_BEAT_SCHEDULE["expire-store-commands"]

    assert entry == {"task": "cloud.commands.tasks.expire_store_commands", "schedule": 10.0}
    assert expiry_task.name == entry["task"]


@pytest.mark.parametrize("ttl_s", [0, 8 * 24 * 3600])
def test_it_refuses_a_ttl_out_of_range_in_the_service(db, store_key, ttl_s):
    from cloud.commands.errors import StoreCommandError

    with pytest.raises(StoreCommandError, match="ttl_s must be from 1 to 604800 seconds"):
        queue(ttl_s)
