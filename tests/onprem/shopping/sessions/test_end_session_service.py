from __future__ import annotations

import pytest

from onprem.commands.models import Command
from onprem.fleet.models import Cart
from onprem.shopping.help import ask_for_help
from onprem.shopping.models import HelpRequest
from onprem.shopping.sessions import end_session


def test_it_ends_a_session_paid_and_releases_the_cart(session, cart):
    ended = end_session(session=session, state="paid", reason="paid")

    assert (ended.state, ended.end_reason, ended.open_cart_id, ended.open_shopper_id) == (
        "paid",
        "paid",
        None,
        None,
    )
    assert not Cart.objects.get(pk=cart.pk).in_session


def test_it_resolves_the_open_help_requests_and_turns_the_light_off(session):
    ask_for_help(session=session, reason="the wheel squeaks")

    end_session(session=session, state="paid", reason="paid")

    assert set(HelpRequest.objects.values_list("state", flat=True)) == {"resolved"}
    lights = Command.objects.filter(command="assist_light").order_by("created_at")
    assert [c.args["on"] for c in lights] == [True, False]


def test_it_changes_nothing_when_the_session_has_ended_already(session):
    first = end_session(session=session, state="abandoned", reason="ended by the shopper")
    told = Command.objects.count()

    again = end_session(session=session, state="paid", reason="paid")

    assert (again.state, again.ended_at) == ("abandoned", first.ended_at)
    assert Command.objects.count() == told


def test_it_refuses_a_state_that_is_not_an_end(session):
    with pytest.raises(ValueError, match="paid or abandoned"):
        end_session(session=session, state="active", reason="")
