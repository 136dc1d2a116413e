"""A command no device answers in time ends `expired`; a late ack does not revive it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onprem.commands.services import expire_commands, request_command

from .conftest import command_in, send


def test_it_expires_a_command_the_cart_never_answered(fleet, staff, ingest_process):
    sent = send(staff, "/api/v1/carts/cart-001/commands/", {"command": "reboot", "ttl_s": 1})

    expired = command_in(staff, sent.json()["id"], ("expired", "done"), timeout=10)

    assert expired["state"] == "expired"
    assert expired["result"] == {"error": "expired: the device did not answer in time"}
    assert expired["finished_at"] is not None


def test_it_expires_only_open_commands_past_their_time(fleet):
    due = request_command(
        kind="cart", device_id="cart-001", command="lock", requested_by="a", ttl_s=60
    )
    later = request_command(
        kind="cart", device_id="cart-002", command="lock", requested_by="a", ttl_s=600
    )

    assert expire_commands(now=timezone.now() + timedelta(seconds=120)) == 1

    due.refresh_from_db(), later.refresh_from_db()
    assert (due.state, later.state) == ("expired", "queued")
