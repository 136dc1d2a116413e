from __future__ import annotations

from django.utils import timezone

from onprem.commands.models import Command
from onprem.fleet.models import Cart, CartState
from onprem.shopping.models import ShoppingSession
from tests.onprem.shopping.conftest import ready_cart


def pair(client, code: str):
    return client.post(
        "/api/v1/shopper/sessions/", {"cart_code": code}, content_type="application/json"
    )


def refusal(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body.get("reason"), body["detail"]


def test_it_answers_404_with_a_sentence_for_a_code_no_cart_has(shopper_client, cart):
    response = pair(shopper_client, "ZZZZ-ZZZZ")

    assert response.status_code == 404
    assert response.json()["detail"] == "no cart in this store has the code ZZZZZZZZ"


def test_it_refuses_a_cart_in_use_by_another_shopper(shopper_client, other_client, cart):
    assert pair(other_client, cart.pairing_code).status_code == 201

    assert refusal(pair(shopper_client, cart.pairing_code)) == (
        409,
        "in_use",
        "cart cart-001 is in use by another shopper",
    )


def test_it_refuses_a_second_cart_to_a_shopper_already_shopping(shopper_client, cart, second_cart):
    first = pair(shopper_client, cart.pairing_code).json()

    response = pair(shopper_client, second_cart.pairing_code)

    assert refusal(response)[:2] == (409, "already_shopping")
    assert response.json()["session"] == first["id"]
    assert not Cart.objects.get(pk=second_cart.pk).in_session


def test_it_refuses_an_offline_cart(shopper_client, db):
    cart = ready_cart("cart-009", online=False)

    assert refusal(pair(shopper_client, cart.pairing_code)) == (
        409,
        "offline",
        "cart cart-009 is offline: take another cart from the rack",
    )


def test_it_refuses_a_cart_that_never_reported(shopper_client, cart):
    CartState.objects.filter(cart=cart).delete()

    assert refusal(pair(shopper_client, cart.pairing_code))[:2] == (409, "offline")


def test_it_refuses_a_faulty_cart(shopper_client, db):
    cart = ready_cart("cart-009", health="fault", fault_codes=["E_WHEEL"])

    assert refusal(pair(shopper_client, cart.pairing_code)) == (
        409,
        "fault",
        "cart cart-009 reports a fault: take another cart",
    )


def test_it_refuses_a_cart_below_the_battery_floor(shopper_client, db, settings):
    settings.SHOPPING_MIN_BATTERY_PERCENT = 30
    low, enough = ready_cart("cart-009", soc=29.6), ready_cart("cart-010", soc=30.0)

    assert refusal(pair(shopper_client, low.pairing_code)) == (
        409,
        "low_battery",
        "cart cart-009 has 29 % battery, below the 30 % a shopping trip needs: take another cart",
    )
    assert pair(shopper_client, enough.pairing_code).status_code == 201


def maintenance_done(cart, on: bool, minutes_ago: int) -> None:
    at = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    Command.objects.create(
        id=f"c-maint-{on}-{minutes_ago}",
        kind="cart",
        device_id=cart.device_id,
        command="maintenance",
        args={"on": on},
        state="done",
        requested_by="stella",
        created_at=at,
        finished_at=at,
        expires_at=at + timezone.timedelta(minutes=10),
    )


def test_it_refuses_a_cart_in_maintenance(shopper_client, cart):
    maintenance_done(cart, on=True, minutes_ago=5)

    assert refusal(pair(shopper_client, cart.pairing_code)) == (
        409,
        "maintenance",
        "cart cart-001 is in maintenance: take another cart",
    )


def test_it_pairs_a_cart_back_from_maintenance(shopper_client, cart):
    maintenance_done(cart, on=True, minutes_ago=50)
    maintenance_done(cart, on=False, minutes_ago=5)

    assert pair(shopper_client, cart.pairing_code).status_code == 201


def test_it_leaves_nothing_behind_when_it_refuses(shopper_client, db):
    cart = ready_cart("cart-009", online=False)

    pair(shopper_client, cart.pairing_code)

    assert not ShoppingSession.objects.exists()
    assert not Cart.objects.get(pk=cart.pk).in_session
    assert not Command.objects.exists()


def test_it_refuses_a_body_without_a_code(shopper_client, cart):
    response = shopper_client.post("/api/v1/shopper/sessions/", {}, content_type="application/json")

    assert response.status_code == 400
    assert "cart_code" in response.json()["fields"]
