"""Staff tokens cannot act as a shopper, and shopper tokens cannot reach the staff API: every
route under /api/v1/ (read from the URL resolver) x every method it serves."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onprem.core.permissions import ScopedAccess
from onprem.core.tokens import issue_token
from tests.onprem.shopping.api_routes import api_routes

SHOPPER_PREFIX = "api/v1/shopper/"
# Routes that answer to no token scope, each for its own reason (tested where it lives).
UNSCOPED = {
    "SignUpView": "anyone may create a shopper account (throttled per address)",
    "EventReceiver": "the cashless terminal posts to a secret path",
    "APIRootView": "the router's index of links, for any signed-in caller",
}


def scoped_routes():
    return [r for r in api_routes() if r.view.__name__ not in UNSCOPED]


def bearer_for(username: str, *, staff: bool, scope: str) -> Client:
    get_user_model().objects.create_user(username, is_staff=staff)
    token = issue_token(username=username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {token}"})


def calls(client: Client, routes) -> dict[str, int]:
    got = {}
    for route in routes:
        for method in route.methods:
            response = getattr(client, method)(route.path(), {}, content_type="application/json")
            got[f"{method.upper()} {route.name}"] = response.status_code
    return got


def test_every_api_route_but_the_known_few_is_scoped():
    routes = api_routes()
    unscoped = {
        r.view.__name__
        for r in routes
        if not any(issubclass(p, ScopedAccess) for p in r.view.permission_classes)
    }

    assert unscoped == set(UNSCOPED)
    shopper_views = [r for r in scoped_routes() if r.route.startswith(SHOPPER_PREFIX)]
    assert shopper_views, "no shopper route found: is onprem.shopping.urls included?"
    for route in shopper_views:
        assert route.view.required_scopes == ["shopper"], route.name
    for route in scoped_routes():
        if not route.route.startswith(SHOPPER_PREFIX):
            assert "shopper" not in route.view.required_scopes, route.name


@pytest.mark.django_db
def test_a_staff_token_is_refused_on_every_shopper_route():
    client = bearer_for("stella", staff=True, scope="staff")
    routes = [r for r in scoped_routes() if r.route.startswith(SHOPPER_PREFIX)]

    got = calls(client, routes)

    assert got and got == dict.fromkeys(got, 403)


@pytest.mark.django_db
def test_a_shopper_token_is_refused_on_every_staff_route():
    client = bearer_for("ada@example.com", staff=False, scope="shopper")
    routes = [r for r in scoped_routes() if not r.route.startswith(SHOPPER_PREFIX)]

    got = calls(client, routes)

    assert len(got) >= 12
    assert got == dict.fromkeys(got, 403)


@pytest.mark.django_db
def test_a_staff_members_own_shopper_token_is_refused_on_the_staff_routes():
    # Staff hold the shopper scope by role (they may shop too); a token asked for it alone
    # is a shopper's token, not a staff one.
    client = bearer_for("stella", staff=True, scope="shopper")
    routes = [r for r in scoped_routes() if not r.route.startswith(SHOPPER_PREFIX)]

    got = calls(client, routes)

    assert got == dict.fromkeys(got, 403)
