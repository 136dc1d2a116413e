from __future__ import annotations

import pytest

from onprem.commands.services import (
    CartInUse,
    CommandError,
    UnknownDevice,
    get_command,
    request_command,
)
from onprem.fleet.models import Cart


def test_it_queues_a_command_with_its_args_completed(fleet):
    command = request_command(
        kind="cart", device_id="cart-001", command="locate", args={}, requested_by="ana"
    )
    stored = get_command(command.id)
    assert (stored.state, stored.args, stored.requested_by) == ("queued", {"seconds": 10}, "ana")
    assert stored.id.startswith("c-")


def test_it_refuses_an_unknown_command_naming_the_known_ones(fleet):
    with pytest.raises(
        CommandError, match="a cart has no command 'fly'; known: assist_light, display_message"
    ):
        request_command(kind="cart", device_id="cart-001", command="fly", requested_by="ana")


def test_it_refuses_bad_args(fleet):
    with pytest.raises(CommandError, match="args.seconds=900 is outside 1..300"):
        request_command(
            kind="cart",
            device_id="cart-001",
            command="locate",
            args={"seconds": 900},
            requested_by="a",
        )
    with pytest.raises(CommandError, match="does not take 'colour'"):
        request_command(
            kind="cart", device_id="cart-001", command="lock", args={"colour": 1}, requested_by="a"
        )
    with pytest.raises(CommandError, match="slots 1..4, not slot 9"):
        request_command(
            kind="rack",
            device_id="rack-01",
            command="slot_power",
            args={"slot": 9, "on": True},
            requested_by="a",
        )


def test_it_refuses_a_device_the_store_does_not_have(fleet):
    with pytest.raises(UnknownDevice, match="no cart 'cart-999'"):
        request_command(kind="cart", device_id="cart-999", command="lock", requested_by="a")


def test_it_refuses_to_lock_a_cart_in_use_unless_forced(fleet):
    Cart.objects.filter(device_id="cart-002").update(in_session=True)
    with pytest.raises(CartInUse, match="in a shopper's session"):
        request_command(kind="cart", device_id="cart-002", command="lock", requested_by="a")
    assert request_command(
        kind="cart", device_id="cart-002", command="lock", requested_by="a", force=True
    ).force
    assert (
        request_command(
            kind="cart",
            device_id="cart-002",
            command="maintenance",
            args={"on": False},
            requested_by="a",
        ).state
        == "queued"
    )
