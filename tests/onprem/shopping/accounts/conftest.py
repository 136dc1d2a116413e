"""A shopper's sign-up and sign-in as the app does them: real endpoints, real login form."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from onprem.shopping.management.commands.register_shopper_app import register_shopper_app

APP_REDIRECT = "https://shop.example/callback"
PASSWORD = "tulip-harbour-1987"
_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs half a second a password; these tests hash dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def production_sign_up_limits(settings):
    # The store's limits (the demo, which these tests run as, allows more).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "shopper_signup_burst": "5/min",
            "shopper_signup_hourly": "20/hour",
        },
    }


def fresh_address() -> str:
    """A client address no other test used: sign-up throttles count per address, in a cache
    (Redis under ptr) that outlives a test."""
    n = next(_addresses) + secrets.randbelow(2**20) * 1000
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def browser(**extra) -> Client:
    """A browser from its own address that sends CSRF tokens only when a form has them."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=fresh_address(), **extra)


@pytest.fixture
def api(db) -> Client:
    return Client(REMOTE_ADDR=fresh_address())


@pytest.fixture
def shopper_app(db):
    return register_shopper_app(redirect_uri=APP_REDIRECT)


def sign_up(client: Client, **body):
    body = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada", **body}
    return client.post("/api/v1/shopper/accounts/", body, content_type="application/json")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def csrf_of(page) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[1].decode()


def authorize_params(app, challenge: str, **extra) -> dict:
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": APP_REDIRECT,
        "scope": "shopper",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "xyz",
        **extra,
    }


def sign_in_through_login_form(
    client: Client, app, *, email: str, password: str = PASSWORD
) -> dict:
    """/o/authorize/ → the login page → the form posted → back to /o/authorize/ → the code.

    Returns the app's callback query (`code` and `state`, or `error`) and the PKCE verifier."""
    verifier, challenge = pkce_pair()
    authorize = client.get("/o/authorize/", authorize_params(app, challenge))
    assert authorize.status_code == 302, authorize.content[:300]
    login_url = authorize.headers["Location"]
    assert login_url.startswith("/accounts/login/?next=")
    page = client.get(login_url)
    form = {
        "csrfmiddlewaretoken": csrf_of(page),
        "username": email,
        "password": password,
        "next": query_of(login_url)["next"],
    }
    signed_in = client.post(login_url, form)
    assert signed_in.status_code == 302, signed_in.content[:500]
    back = client.get(signed_in.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].startswith(APP_REDIRECT)
    return {**query_of(back.headers["Location"]), "verifier": verifier}


def token_for_code(app, code: str, verifier: str):
    """The app (a public client: no secret) trades the code for tokens."""
    return Client().post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "client_id": app.client_id,
            "code": code,
            "redirect_uri": APP_REDIRECT,
            "code_verifier": verifier,
        },
    )


def refresh(app, refresh_token: str):
    return Client().post(
        "/o/token/",
        {"grant_type": "refresh_token", "client_id": app.client_id, "refresh_token": refresh_token},
    )


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})
