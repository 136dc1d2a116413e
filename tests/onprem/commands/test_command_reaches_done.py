"""A command over the real broker to a real cart agent: queued, sent, done, with its result."""

from __future__ import annotations

from .conftest import command_in, online, send, wait_until


def test_it_runs_a_command_on_the_cart_and_shows_the_agents_result(
    fleet, staff, ingest_process, start_agent
):
    start_agent("cart-001")
    wait_until(lambda: online("cart-001"), "cart-001 online")

    sent = send(
        staff, "/api/v1/carts/cart-001/commands/", {"command": "locate", "args": {"seconds": 5}}
    )
    assert sent.status_code == 202 and sent.json()["state"] == "queued"
    done = command_in(staff, sent.json()["id"], ("done", "failed", "rejected", "expired"))

    assert done["state"] == "done"
    assert done["result"] == {"beeping_seconds": 5.0}
    assert done["sent_at"] <= done["acked_at"] <= done["finished_at"]


def test_it_shows_a_message_on_the_cart(fleet, staff, ingest_process, start_agent):
    start_agent("cart-002")
    wait_until(lambda: online("cart-002"), "cart-002 online")

    text = "Please bring me back to rack 1"
    sent = send(
        staff,
        "/api/v1/carts/cart-002/commands/",
        {"command": "display_message", "args": {"text": text, "seconds": 30}},
    )
    done = command_in(staff, sent.json()["id"], ("done", "failed", "rejected", "expired"))

    assert (done["state"], done["result"]) == ("done", {"displayed": text, "seconds": 30.0})
