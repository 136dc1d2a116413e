"""The command list: newest first, filtered by device and state, in bounded pages."""

from __future__ import annotations

from onprem.commands.models import Command
from onprem.commands.services import request_command


def lock(device: str) -> Command:
    return request_command(kind="cart", device_id=device, command="lock", requested_by="stella")


def test_it_lists_commands_newest_first_by_device_and_state(fleet, staff):
    first, second, other = lock("cart-001"), lock("cart-001"), lock("cart-002")
    Command.objects.filter(pk=first.pk).update(state="done")

    everything = staff.get("/api/v1/commands/").json()
    cart_1 = staff.get("/api/v1/commands/?device=cart-001").json()
    queued_1 = staff.get("/api/v1/commands/?device=cart-001&state=queued").json()

    assert [c["id"] for c in everything["results"]] == [other.id, second.id, first.id]
    assert [c["id"] for c in cart_1["results"]] == [second.id, first.id]
    assert [c["id"] for c in queued_1["results"]] == [second.id]
    assert everything["results"][0]["device"] == "cart-002"


def test_it_pages_the_list(fleet, staff):
    made = [lock("cart-003").id for _ in range(5)]

    page = staff.get("/api/v1/commands/?limit=2&offset=1").json()

    assert page["count"] == 5
    assert [c["id"] for c in page["results"]] == made[::-1][1:3]


def test_it_refuses_a_bad_filter_with_a_sentence(fleet, staff):
    bad_state = staff.get("/api/v1/commands/?state=lost")
    empty_device = staff.get("/api/v1/commands/?device=")

    assert bad_state.status_code == 400
    assert "'lost' is not one of queued, sent" in bad_state.json()["fields"]["state"][0]
    assert empty_device.status_code == 400
    assert staff.get("/api/v1/commands/c-nope/").status_code == 404
