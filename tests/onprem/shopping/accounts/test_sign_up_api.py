"""POST /api/v1/shopper/accounts/: anyone may sign up; every wrong body is a field-level 400."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from .conftest import PASSWORD, sign_up


def test_it_creates_a_shopper_who_can_sign_in(api):
    response = sign_up(api, email="  Ada.Lovelace@Example.COM ", display_name="Ada")

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "email": "ada.lovelace@example.com", "display_name": "Ada"}
    user = get_user_model().objects.get(pk=body["id"])
    assert (user.username, user.email, user.first_name) == (
        "ada.lovelace@example.com",
        "ada.lovelace@example.com",
        "Ada",
    )
    assert user.check_password(PASSWORD) and user.is_active and not user.is_staff
    assert "password" not in body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a" * 140 + "@example.com"}, "email"),
        ({"password": ""}, "password"),
        ({"password": "short1"}, "password"),
        ({"password": "password123"}, "password"),
        ({"password": "4815162342"}, "password"),
        ({"password": "ada.lovelace"}, "password"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 151}, "display_name"),
        ({"display_name": ["Ada"]}, "display_name"),
    ],
)
def test_it_names_the_field_of_a_bad_body(api, body, field):
    response = sign_up(api, **{"email": "ada.lovelace@example.com", **body})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert not get_user_model().objects.exists()


def test_it_refuses_a_missing_field_and_a_non_json_body(api):
    missing = api.post(
        "/api/v1/shopper/accounts/", {"email": "a@example.com"}, content_type="application/json"
    )
    form = api.post("/api/v1/shopper/accounts/", {"email": "a@example.com"})

    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"password", "display_name"}
    assert form.status_code == 415


def test_it_refuses_an_email_that_already_has_an_account(api):
    assert sign_up(api, email="ada@example.com").status_code == 201

    again = sign_up(api, email="ADA@example.com", display_name="Other Ada")

    assert again.status_code == 400
    assert again.json()["fields"] == {"email": ["An account with this email already exists."]}
    assert get_user_model().objects.get().first_name == "Ada"


@pytest.mark.parametrize("field", ["email", "password", "display_name"])
def test_it_refuses_a_number_where_text_belongs(api, field):
    response = sign_up(api, **{field: 1234567890123})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
