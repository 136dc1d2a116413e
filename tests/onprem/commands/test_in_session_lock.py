"""A cart in a shopper's session: lock and maintenance on need a staff user's force."""

from __future__ import annotations

import pytest

from onprem.commands.models import Command
from onprem.fleet.models import Cart

from .conftest import send

CARTS = "/api/v1/carts/cart-001/commands/"


@pytest.fixture
def in_session(fleet):
    Cart.objects.filter(device_id="cart-001").update(in_session=True)


@pytest.mark.parametrize(
    "body", [{"command": "lock"}, {"command": "maintenance", "args": {"on": True}}]
)
def test_it_refuses_to_stop_a_cart_in_use_without_force(in_session, staff, body):
    refused = send(staff, CARTS, body)

    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"cart cart-001 is in a shopper's session: {body['command']} would stop it; "
        "a staff user may send it with force"
    )
    assert not Command.objects.exists()


def test_it_lets_other_commands_reach_a_cart_in_use(in_session, ops):
    assert send(ops, CARTS, {"command": "locate"}).status_code == 202
    assert send(ops, CARTS, {"command": "maintenance", "args": {"on": False}}).status_code == 202


def test_it_lets_staff_force_a_lock(in_session, staff):
    forced = send(staff, CARTS, {"command": "lock", "force": True})

    assert forced.status_code == 202
    assert (forced.json()["force"], forced.json()["requested_by"]) == (True, "stella")


def test_it_refuses_force_to_an_ops_token(in_session, ops):
    # Ops work from afar: whether a shopper may be stopped is for someone on the floor.
    refused = send(ops, CARTS, {"command": "lock", "force": True})

    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only a staff user may force a command on a cart in use."
    assert not Command.objects.exists()
