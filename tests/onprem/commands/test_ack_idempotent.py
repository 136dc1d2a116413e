"""Acks move a command forward only: a repeated or late ack never takes it back, and an ack
for an id this store never sent stays a dead letter."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from onprem.commands.models import Command
from onprem.commands.services import request_command
from onprem.fleet.ingest import DeviceDirectory, Message, store_batch
from onprem.fleet.models import DeadLetter


def ack(
    command_id: str, state: str, result: dict | None = None, device: str = "cart-001"
) -> Message:
    body = {
        "schema": "ack/1",
        "id": command_id,
        "device": device,
        "state": state,
        "result": result or {},
        "ts": "2026-11-22T10:00:00Z",
    }
    return Message(
        f"smartcart/store-001/cart/{device}/ack", json.dumps(body).encode(), datetime.now(UTC)
    )


def ingest(*messages: Message) -> None:
    store_batch(list(messages), DeviceDirectory())


def sent_lock() -> Command:
    command = request_command(kind="cart", device_id="cart-001", command="lock", requested_by="a")
    Command.objects.filter(pk=command.pk).update(state="sent")
    return command


def test_it_moves_a_command_forward_with_each_ack(fleet):
    command = sent_lock()

    ingest(ack(command.id, "accepted"))
    assert Command.objects.get(pk=command.pk).state == "accepted"
    ingest(ack(command.id, "done", {"locked": True}))

    done = Command.objects.get(pk=command.pk)
    assert (done.state, done.result) == ("done", {"locked": True})
    assert done.acked_at <= done.finished_at


def test_it_ignores_a_late_or_repeated_ack(fleet):
    command = sent_lock()
    ingest(ack(command.id, "done", {"locked": True}))
    finished = Command.objects.get(pk=command.pk).finished_at

    # The broker redelivers `accepted` after `done`, and the agent re-acks a repeated id;
    # both in one batch, as ingest may well see them.
    ingest(ack(command.id, "accepted"), ack(command.id, "failed", {"error": "again?"}))

    again = Command.objects.get(pk=command.pk)
    assert (again.state, again.result, again.finished_at) == ("done", {"locked": True}, finished)
    assert not DeadLetter.objects.exists()


def test_it_dead_letters_acks_for_commands_it_never_sent_to_that_device(fleet):
    command = sent_lock()

    ingest(ack("c-never-sent", "done"), ack(command.id, "done", device="cart-002"))

    reasons = sorted(DeadLetter.objects.values_list("reason", flat=True))
    assert reasons == [
        f"ack for command '{command.id}', which this store never sent",
        "ack for command 'c-never-sent', which this store never sent",
    ]
    assert Command.objects.get(pk=command.pk).state == "sent"
