"""/accounts/signup/: a new shopper signs up in the browser the app opened, and goes on with
the app's sign-in (`next`), never to another site."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from .conftest import (
    APP_REDIRECT,
    PASSWORD,
    authorize_params,
    browser,
    csrf_of,
    pkce_pair,
    query_of,
    token_for_code,
)

FORM = {"display_name": "Ada", "email": "Ada@Example.com", "password": PASSWORD}


def test_it_shows_a_form_with_a_csrf_token(db):
    page = browser().get("/accounts/signup/", {"next": "/o/authorize/?client_id=x"})

    assert page.status_code == 200
    html = page.content.decode()
    for name in ("display_name", "email", "password", "csrfmiddlewaretoken"):
        assert f'name="{name}"' in html
    assert 'name="next" value="/o/authorize/?client_id=x"' in html
    assert "Create your SmartCart account" in html


def test_it_creates_the_account_signs_in_and_goes_to_next(db):
    client = browser()
    page = client.get("/accounts/signup/")

    done = client.post(
        "/accounts/signup/",
        {**FORM, "csrfmiddlewaretoken": csrf_of(page), "next": "/o/authorize/?state=1"},
    )

    assert done.status_code == 302 and done.headers["Location"] == "/o/authorize/?state=1"
    user = get_user_model().objects.get()
    assert (user.username, user.first_name) == ("ada@example.com", "Ada")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/o/authorize/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_never_sends_the_browser_to_another_site(db, next_url):
    client = browser()
    page = client.get("/accounts/signup/", {"next": next_url})
    assert next_url not in page.content.decode()

    done = client.post(
        "/accounts/signup/", {**FORM, "csrfmiddlewaretoken": csrf_of(page), "next": next_url}
    )

    assert done.status_code == 200
    assert "Location" not in done.headers
    assert "Your account is ready" in done.content.decode()
    assert get_user_model().objects.filter(username="ada@example.com").exists()


def test_it_refuses_a_post_without_the_csrf_token(db):
    refused = browser().post("/accounts/signup/", FORM)

    assert refused.status_code == 403
    assert not get_user_model().objects.exists()


def test_it_shows_what_is_wrong_with_each_field(db):
    get_user_model().objects.create_user("ada@example.com", email="ada@example.com")
    client = browser()
    page = client.get("/accounts/signup/")

    again = client.post(
        "/accounts/signup/",
        {
            "display_name": "",
            "email": "ADA@example.com",
            "password": "123",
            "csrfmiddlewaretoken": csrf_of(page),
        },
    )

    html = again.content.decode()
    assert again.status_code == 200
    assert "This field is required." in html
    assert get_user_model().objects.count() == 1

    taken = client.post("/accounts/signup/", {**FORM, "csrfmiddlewaretoken": csrf_of(again)})
    assert "An account with this email already exists." in taken.content.decode()
    weak = client.post(
        "/accounts/signup/",
        {
            **FORM,
            "email": "bob@example.com",
            "password": "12345678",
            "csrfmiddlewaretoken": csrf_of(again),
        },
    )
    assert "This password is entirely numeric." in weak.content.decode()
    assert get_user_model().objects.count() == 1


def test_a_new_shopper_goes_from_the_login_page_to_sign_up_and_back_to_the_app(shopper_app):
    client = browser()
    verifier, challenge = pkce_pair()
    login_url = client.get("/o/authorize/", authorize_params(shopper_app, challenge)).headers[
        "Location"
    ]
    authorize_url = query_of(login_url)["next"]

    login_page = client.get(login_url).content.decode()
    signup_url = re.search(r'<a href="(/accounts/signup/[^"]*)">Create an account</a>', login_page)[
        1
    ]
    assert query_of(signup_url)["next"] == authorize_url
    page = client.get(signup_url)
    signed_up = client.post(
        signup_url, {**FORM, "csrfmiddlewaretoken": csrf_of(page), "next": authorize_url}
    )
    back = client.get(signed_up.headers["Location"])

    assert back.headers["Location"].startswith(APP_REDIRECT)
    code = query_of(back.headers["Location"])["code"]
    assert token_for_code(shopper_app, code, verifier).status_code == 200


def test_it_shares_the_apis_limit_per_address(db):
    client = browser()
    page = client.get("/accounts/signup/")
    api_calls = [
        client.post(
            "/api/v1/shopper/accounts/",
            {"email": f"a{n}@example.com", "password": PASSWORD, "display_name": "A"},
            content_type="application/json",
        ).status_code
        for n in range(4)
    ]

    fifth = client.post("/accounts/signup/", {**FORM, "csrfmiddlewaretoken": csrf_of(page)})
    page = client.get("/accounts/signup/")  # signing in rotated the CSRF token
    sixth = client.post(
        "/accounts/signup/",
        {**FORM, "email": "late@example.com", "csrfmiddlewaretoken": csrf_of(page)},
    )

    assert api_calls == [201] * 4 and fifth.status_code == 200
    assert sixth.status_code == 429
    assert (
        "Too many sign-ups from this address: try again in 1 minute(s)." in sixth.content.decode()
    )
    assert not get_user_model().objects.filter(username="late@example.com").exists()
