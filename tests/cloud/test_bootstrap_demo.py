from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from cloud.stores.services import authenticate_store

KEY = "demo-store-key-0123456789abcdef"


def bootstrap(capsys, key: str = KEY) -> dict:
    call_command(
        "bootstrap_demo", "--store", "store-001", "--key", key, "--password", "pw-ops-demo"
    )
    return json.loads(capsys.readouterr().out)


def test_it_bootstraps_the_demo_and_is_idempotent(db, capsys):
    first = bootstrap(capsys)
    second = bootstrap(capsys)

    assert first["username"] == second["username"] == "ops"
    assert first["password"] == second["password"] == "pw-ops-demo"
    user = get_user_model().objects.get(username="ops")
    assert user.is_superuser and user.check_password("pw-ops-demo")
    assert authenticate_store(code="store-001", key=KEY) is not None
    # Tokens are stored hashed, so a re-run prints a new token and retires the old one.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {second['ops_token']}")
    assert [s["code"] for s in api.get("/api/v1/stores/").json()["results"]] == ["store-001"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first['ops_token']}")
    assert api.get("/api/v1/stores/").status_code == 401


def test_it_gives_an_existing_store_the_new_key(db, capsys):
    bootstrap(capsys)
    bootstrap(capsys, key=KEY + "-rotated")

    assert authenticate_store(code="store-001", key=KEY) is None
    assert authenticate_store(code="store-001", key=KEY + "-rotated") is not None


def test_it_refuses_a_short_demo_key_with_a_sentence(db):
    with pytest.raises(CommandError, match="at least 24 characters"):
        call_command("bootstrap_demo", "--store", "store-001", "--key", "short")
