from __future__ import annotations

from onprem.commands.models import Command
from onprem.fleet.models import Cart
from onprem.shopping.models import ShoppingSession


def end(client, session):
    return client.post(
        f"/api/v1/shopper/sessions/{session.pk}/end/", content_type="application/json"
    )


def test_it_abandons_the_session_and_releases_the_cart(shopper_client, session, cart):
    response = end(shopper_client, session)

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["end_reason"]) == ("abandoned", "ended by the shopper")
    assert body["ended_at"] is not None
    assert not Cart.objects.get(pk=cart.pk).in_session
    last = Command.objects.filter(device_id="cart-001").order_by("-created_at").first()
    assert (last.command, last.args["text"]) == ("display_message", "Thank you!")


def test_it_lets_the_shopper_pair_again_after_ending(shopper_client, session, cart):
    end(shopper_client, session)

    again = shopper_client.post(
        "/api/v1/shopper/sessions/",
        {"cart_code": cart.pairing_code},
        content_type="application/json",
    )

    assert again.status_code == 201


def test_it_refuses_to_end_while_paying(shopper_client, session, cart):
    ShoppingSession.objects.filter(pk=session.pk).update(state="paying")

    response = end(shopper_client, session)

    assert response.status_code == 409
    assert response.json()["reason"] == "paying"
    assert (
        response.json()["detail"] == "a payment is under way: cancel it before ending the session"
    )
    assert Cart.objects.get(pk=cart.pk).in_session


def test_it_refuses_to_end_a_session_twice(shopper_client, session):
    end(shopper_client, session)

    response = end(shopper_client, session)

    assert (response.status_code, response.json()["reason"]) == (409, "ended")
