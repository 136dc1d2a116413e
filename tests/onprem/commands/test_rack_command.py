"""Racks take commands the same way: slot_power over the real broker to a real rack agent."""

from __future__ import annotations

from .conftest import command_in, online, send, wait_until


def test_it_switches_a_rack_slot_off_and_shows_the_racks_answer(
    fleet, ops, ingest_process, start_agent
):
    start_agent("rack-01", "rack_agent")
    wait_until(lambda: online("rack-01"), "rack-01 online")

    sent = send(
        ops,
        "/api/v1/racks/rack-01/commands/",
        {"command": "slot_power", "args": {"slot": 2, "on": False}},
    )
    done = command_in(ops, sent.json()["id"], ("done", "failed", "rejected", "expired"))

    assert (done["state"], done["result"], done["requested_by"]) == (
        "done",
        {"slot": 2, "powered": False},
        "olga",
    )
