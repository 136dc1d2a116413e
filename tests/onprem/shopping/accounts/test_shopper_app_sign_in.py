"""The shopper app signs a shopper in as RFC 9700 asks: a public client, code + PKCE S256
through the store's real login form, 15-minute access tokens, rotated refresh tokens."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken

from .conftest import (
    bearer,
    browser,
    csrf_of,
    sign_in_through_login_form,
    sign_up,
    token_for_code,
)


def test_a_new_shopper_signs_in_with_pkce_and_reaches_me(api, shopper_app):
    created = sign_up(api, email="Ada@Example.com").json()

    got = sign_in_through_login_form(browser(), shopper_app, email="ada@example.com")
    issued = token_for_code(shopper_app, got["code"], got["verifier"])

    assert got["state"] == "xyz"
    assert issued.status_code == 200, issued.content
    tokens = issued.json()
    assert tokens["scope"] == "shopper" and tokens["refresh_token"]
    me = bearer(tokens["access_token"]).get("/api/v1/shopper/me/")
    assert me.status_code == 200
    assert me.json() == created


def test_its_access_token_lives_fifteen_minutes(api, shopper_app):
    sign_up(api)
    got = sign_in_through_login_form(browser(), shopper_app, email="ada@example.com")

    tokens = token_for_code(shopper_app, got["code"], got["verifier"]).json()

    assert tokens["expires_in"] == 900
    lifetime = AccessToken.objects.get().expires - timezone.now()
    assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15)


def test_a_code_is_useless_without_its_verifier_or_twice(api, shopper_app):
    sign_up(api)
    got = sign_in_through_login_form(browser(), shopper_app, email="ada@example.com")

    wrong = token_for_code(shopper_app, got["code"], "x" * 64)
    right = token_for_code(shopper_app, got["code"], got["verifier"])
    again = token_for_code(shopper_app, got["code"], got["verifier"])

    # An intercepted code is worth nothing without the verifier only the app holds.
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert right.status_code == 200
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 1


def test_a_wrong_password_at_the_login_form_gives_no_code(api, shopper_app):
    sign_up(api)
    client = browser()
    authorize = client.get(
        "/o/authorize/",
        {"response_type": "code", "client_id": shopper_app.client_id, "scope": "shopper"},
    )
    page = client.get(authorize.headers["Location"])

    refused = client.post(
        authorize.headers["Location"],
        {"csrfmiddlewaretoken": csrf_of(page), "username": "ada@example.com", "password": "nope"},
    )

    assert refused.status_code == 200
    assert b"Please enter a correct" in refused.content
