"""A command the broker lost (published while it was down, or forgotten by a restart) stays
`sent` and goes out again with the same id; the cart runs it once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onprem.commands.models import Command
from onprem.commands.services import request_command

from .conftest import command_in, online, wait_until


def test_it_sends_an_unanswered_command_again(fleet, staff, ingest_process, start_agent):
    command = request_command(
        kind="cart",
        device_id="cart-001",
        command="assist_light",
        args={"on": True},
        requested_by="stella",
    )
    # As if ingest had published it 10 s ago into a broker that then lost it.
    Command.objects.filter(pk=command.pk).update(
        state="sent", sent_at=timezone.now() - timedelta(seconds=10)
    )

    start_agent("cart-001")
    wait_until(lambda: online("cart-001"), "cart-001 online")
    done = command_in(staff, command.id, ("done", "failed", "rejected", "expired"))

    assert (done["state"], done["result"]) == ("done", {"assist_light": True})
