"""A command to an offline cart waits, queued, and runs when the cart comes back."""

from __future__ import annotations

import time

from .conftest import command_in, online, send, wait_until


def test_it_keeps_a_command_queued_until_the_cart_comes_online(
    fleet, staff, ingest_process, start_agent
):
    sent = send(staff, "/api/v1/carts/cart-003/commands/", {"command": "lock"})
    time.sleep(
        1.5
    )  # ingest's dispatcher looks every 20 ms: it had time to send it, were the cart there
    assert staff.get(f"/api/v1/commands/{sent.json()['id']}/").json()["state"] == "queued"

    start_agent("cart-003")
    wait_until(lambda: online("cart-003"), "cart-003 online")
    done = command_in(staff, sent.json()["id"], ("done", "failed", "rejected", "expired"))

    assert (done["state"], done["result"]) == ("done", {"locked": True})
