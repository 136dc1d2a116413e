"""register_shopper_app: one public code + PKCE client, created once, updated in place."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model


def register(*args: str) -> dict:
    out = StringIO()
    call_command("register_shopper_app", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_registers_a_public_first_party_code_client(db):
    printed = register("--redirect-uri", "https://shop.example/cb")

    app = get_application_model().objects.get()
    assert printed == {"client_id": app.client_id, "redirect_uri": "https://shop.example/cb"}
    assert app.name == "SmartCart shopper app"
    assert app.client_type == "public"
    assert app.authorization_grant_type == "authorization-code"
    assert app.redirect_uris == "https://shop.example/cb"
    assert app.skip_authorization is True


def test_it_is_idempotent_and_updates_the_redirect_uri(db):
    first = register("--redirect-uri", "https://shop.example/cb")
    same = register("--redirect-uri", "https://shop.example/cb")
    moved = register("--redirect-uri", "https://shop.example/new-cb")

    assert first == same
    assert moved == {"client_id": first["client_id"], "redirect_uri": "https://shop.example/new-cb"}
    assert get_application_model().objects.get().redirect_uris == "https://shop.example/new-cb"


def test_a_second_name_is_a_second_client(db):
    one = register("--redirect-uri", "https://a.example/cb")
    two = register("--redirect-uri", "https://b.example/cb", "--name", "Kiosk app")

    assert one["client_id"] != two["client_id"]
    assert get_application_model().objects.count() == 2


@pytest.mark.parametrize("uri", ["not a uri", "https://a.example/cb https://b.example/cb"])
def test_it_refuses_anything_but_one_redirect_uri(db, uri):
    with pytest.raises(CommandError):
        register("--redirect-uri", uri)

    assert not get_application_model().objects.exists()
