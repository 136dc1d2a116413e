"""GET /api/v1/shopper/me/: the shopper the token belongs to, and no one without one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from onprem.core.tokens import issue_token

from .conftest import bearer, sign_up


def test_it_shows_the_tokens_shopper(api):
    created = sign_up(api, email="Ada@Example.com", display_name="Ada").json()
    token = issue_token(username="ada@example.com", scopes=["shopper"]).token

    me = bearer(token).get("/api/v1/shopper/me/")

    assert me.status_code == 200
    assert me.json() == {"id": created["id"], "email": "ada@example.com", "display_name": "Ada"}


def test_it_needs_a_token(db):
    response = Client().get("/api/v1/shopper/me/")

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_deactivated_shoppers_token_stops_at_once(api):
    sign_up(api)
    token = issue_token(username="ada@example.com", scopes=["shopper"]).token
    get_user_model().objects.filter(username="ada@example.com").update(is_active=False)

    assert bearer(token).get("/api/v1/shopper/me/").status_code == 401
