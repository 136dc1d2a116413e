"""Who gets which token at /o/: scopes follow the user's role, never the client's wish."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.oauth_flows import application, authorize, code_token, signed_in, token_request

# (role, scope asked for) -> granted? Every scope x every role of the store.
MATRIX = [
    ("shopper", "shopper", True),
    ("shopper", "staff", False),
    ("shopper", "ops", False),
    ("shopper", "device", False),
    ("shopper", "integration", False),
    ("staff", "staff", True),
    ("staff", "shopper", True),
    ("staff", "ops", False),
    ("staff", "integration", False),
    ("ops", "ops", True),
    ("ops", "staff", False),
    ("device", "device", True),
    ("device", "staff", False),
    ("integration", "integration", True),
    ("integration", "staff ops device integration", False),
]


@pytest.mark.parametrize(("role", "scope", "granted"), MATRIX)
def test_it_grants_a_signed_in_user_only_the_scopes_of_their_role(people, role, scope, granted):
    app = application("shopper-app")

    got = code_token(signed_in(people[role]), app, scope)

    if granted:
        assert got.status_code == 200, got.content
        assert got.json()["scope"] == scope
    else:
        assert got["error"] == "invalid_scope"
        assert f"user '{people[role].username}' may not hold scope(s)" in got["error_description"]


def test_an_anonymous_shopper_signs_in_and_comes_back_with_a_code(people, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people["shopper"].set_password("pw-sam-0123")
    people["shopper"].save()
    app = application("shopper-app")
    browser = Client()
    sent = browser.get("/o/authorize/", {"client_id": app.client_id, "scope": "shopper"})
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/?next=")

    signed = browser.post(sent["Location"], {"username": "sam", "password": "pw-sam-0123"})
    assert signed.status_code == 302 and signed["Location"].startswith("/o/authorize/")

    got = authorize(browser, app, "shopper")
    assert "code" in got, got


def test_it_grants_a_service_account_app_its_service_scope_by_client_credentials(people):
    app = application("erp-connector", grant="client-credentials", owner=people["integration"])

    response = token_request(app, grant_type="client_credentials", scope="integration")

    assert response.status_code == 200 and response.json()["scope"] == "integration"


@pytest.mark.parametrize(
    ("owner", "scope", "sentence"),
    [
        (None, "integration", "acting as no service account) may not hold scope(s) integration"),
        ("integration", "staff", "may not hold scope(s) staff; it may hold integration"),
        ("staff", "staff", "may not hold scope(s) staff; it may hold no scope"),
        ("inactive", "staff", "may not hold scope(s) staff; it may hold no scope"),
        ("integration", "", "Ask for a scope"),
        ("integration", "admin", "Unknown scope(s) admin: use device, integration, ops, shopper"),
    ],
)
def test_it_refuses_client_credentials_beyond_the_service_account(people, owner, scope, sentence):
    app = application("robot", grant="client-credentials", owner=people[owner] if owner else None)

    response = token_request(app, grant_type="client_credentials", scope=scope)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert sentence in response.json()["error_description"]


def test_it_refuses_client_credentials_to_an_app_registered_for_another_grant(people):
    app = application("shopper-app", owner=people["integration"])

    response = token_request(app, grant_type="client_credentials", scope="integration")

    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"


def test_a_deactivated_user_gets_no_code_and_is_sent_to_sign_in(people):
    got = authorize(signed_in(people["inactive"]), application("shopper-app"), "staff")

    assert "code" not in got
    assert got["status"] == 302 and got["location"].startswith("/accounts/login/?next=")
