"""Help tests: a small fleet, shoppers with open sessions on its carts, staff with names, and
bearer tokens as the app and the staff dashboard hold them."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.commands.models import Command
from onprem.core.tokens import issue_token
from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device
from onprem.shopping.models import ShoppingSession
from tests.onprem.auth.conftest import person


@pytest.fixture
def carts(db) -> dict[str, Cart]:
    """cart-001 and cart-002, nobody using them yet."""
    for n in (1, 2):
        provision_device(kind="cart", device_id=f"cart-00{n}", name=f"Cart {n}")
    return {c.device_id: c for c in Cart.objects.all()}


def named(username: str, first_name: str, **kwargs):
    user = person(username, **kwargs)
    user.first_name, user.email = first_name, f"{username}@example.com"
    user.save()
    return user


def open_session(shopper, cart: Cart) -> ShoppingSession:
    """A shopper paired with a cart, as sessions.start_session leaves it."""
    Cart.objects.filter(pk=cart.pk).update(in_session=True)
    return ShoppingSession.objects.create(
        shopper=shopper, cart=cart, open_cart=cart, open_shopper=shopper
    )


def bearer(user, scope: str) -> Client:
    raw = issue_token(username=user.username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


@pytest.fixture
def ada(carts):
    """A shopper on cart-001."""
    return named("ada@example.com", "Ada")


@pytest.fixture
def ada_session(ada, carts) -> ShoppingSession:
    return open_session(ada, carts["cart-001"])


@pytest.fixture
def ada_app(ada) -> Client:
    return bearer(ada, "shopper")


@pytest.fixture
def anna(db):
    """A store assistant (staff), signed in to the dashboard with a token."""
    return named("anna.k", "Anna", staff=True)


@pytest.fixture
def staff(anna) -> Client:
    return bearer(anna, "staff")


def assist_lights(device_id: str) -> list[bool]:
    """The assist_light commands queued for a cart, oldest first: [True, False] is on, off."""
    return [
        c.args["on"]
        for c in Command.objects.filter(
            device_id=device_id, command="assist_light", requested_by="shopping"
        ).order_by("created_at", "id")
    ]


def help_url(session) -> str:
    return f"/api/v1/shopper/sessions/{session.pk}/help/"
