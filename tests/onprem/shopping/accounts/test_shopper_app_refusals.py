"""What the shopper app's client may not do: implicit or password grants, no or plain PKCE,
a redirect URI that is not exactly the registered one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import APP_REDIRECT, PASSWORD, authorize_params, pkce_pair, query_of


@pytest.fixture
def shopper(db):
    return get_user_model().objects.create_user(
        "ada@example.com", email="ada@example.com", password=PASSWORD, first_name="Ada"
    )


@pytest.fixture
def signed_in(shopper) -> Client:
    client = Client()
    client.force_login(shopper)  # the login form itself is tested in test_shopper_app_sign_in
    return client


def test_it_refuses_the_implicit_grant(shopper_app, signed_in):
    _, challenge = pkce_pair()

    response = signed_in.get(
        "/o/authorize/", authorize_params(shopper_app, challenge, response_type="token")
    )

    location = response.headers.get("Location", "")
    assert "access_token" not in location
    assert query_of(location)["error"] in ("unauthorized_client", "unsupported_response_type")


def test_it_refuses_the_password_grant(shopper_app, shopper):
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "password",
            "client_id": shopper_app.client_id,
            "username": "ada@example.com",
            "password": PASSWORD,
            "scope": "shopper",
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] in ("unauthorized_client", "unsupported_grant_type")
    assert "access_token" not in response.json()


@pytest.mark.parametrize(
    "pkce",
    [
        {"code_challenge": "", "code_challenge_method": ""},
        {"code_challenge": "a" * 43, "code_challenge_method": "plain"},
    ],
    ids=["missing", "plain"],
)
def test_it_refuses_an_authorization_without_s256(shopper_app, signed_in, pkce):
    params = authorize_params(shopper_app, "unused", **pkce)

    response = signed_in.get("/o/authorize/", params)

    got = query_of(response.headers.get("Location", ""))
    assert "code" not in got
    assert got["error"] == "invalid_request"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        APP_REDIRECT[:-1],
        APP_REDIRECT + "s",
        APP_REDIRECT.replace("shop.", "shoq."),
        APP_REDIRECT + "/",
        APP_REDIRECT + "?x=1",
        APP_REDIRECT.replace("https", "http"),
    ],
)
def test_it_refuses_a_redirect_uri_off_by_one_character(shopper_app, signed_in, redirect_uri):
    _, challenge = pkce_pair()

    response = signed_in.get(
        "/o/authorize/", authorize_params(shopper_app, challenge, redirect_uri=redirect_uri)
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert b"code=" not in response.content
