from __future__ import annotations

from onprem.commands.models import Command
from onprem.fleet.models import Cart
from onprem.shopping.models import ShoppingSession


def pair(client, code: str):
    return client.post(
        "/api/v1/shopper/sessions/", {"cart_code": code}, content_type="application/json"
    )


def test_it_starts_a_session_on_the_cart_with_that_code(shopper_client, shopper, cart, catalog):
    response = pair(shopper_client, cart.pairing_code)

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "active"
    assert body["cart"] == {"device_id": "cart-001", "name": "cart-001"}
    assert body["lines"] == [] and body["payment"] is None and body["order"] is None
    assert body["totals"] == {"lines": 0, "items": "0.000", "total": "0.00", "vat": []}
    session = ShoppingSession.objects.get(pk=body["id"])
    assert session.shopper == shopper and session.open_cart_id == cart.pk
    assert Cart.objects.get(pk=cart.pk).in_session


def test_it_reads_the_code_as_printed_whatever_the_case_and_dashes(shopper_client, cart):
    code = cart.pairing_code
    typed = f" {code[:4].lower()}-{code[4:]} "

    assert pair(shopper_client, typed).status_code == 201


def test_it_unlocks_the_cart_and_greets_the_shopper_by_first_name(shopper_client, cart):
    pair(shopper_client, cart.pairing_code)

    told = Command.objects.filter(device_id="cart-001").order_by("created_at")
    assert [(c.command, c.args.get("text"), c.requested_by, c.state) for c in told] == [
        ("unlock", None, "shopping", "queued"),
        ("display_message", "Ciao Sam!", "shopping", "queued"),
    ]
