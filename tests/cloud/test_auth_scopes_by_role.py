"""The cloud grants ops only to the ops team: at /o/token/, on every API call, and in the CLI."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from cloud.core.tokens import issue_token
from cloud.stores.services import authenticate_store
from tests.oauth_flows import application, code_token, signed_in, token_request

ENDPOINTS = ["/api/v1/stores/", "/api/v1/stores/store-001/"]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db) -> dict:
    User = get_user_model()
    ops = User.objects.create_user("olga")
    ops.groups.add(Group.objects.create(name="ops"))
    return {
        "ops": ops,
        "staff": User.objects.create_user("stella", is_staff=True),
        "plain": User.objects.create_user("pat"),
    }


@pytest.mark.parametrize(("role", "granted"), [("ops", True), ("staff", True), ("plain", False)])
def test_it_grants_ops_by_role_at_the_token_endpoint(people, role, granted):
    got = code_token(signed_in(people[role]), application("console"), "ops")

    if granted:
        assert got.status_code == 200 and got.json()["scope"] == "ops"
    else:
        assert got["error"] == "invalid_scope"
        assert (
            "user 'pat' may not hold scope(s) ops; it may hold no scope" == got["error_description"]
        )


def test_no_client_credentials_app_gets_ops(people):
    app = application("ci", grant="client-credentials", owner=people["ops"])

    response = token_request(app, grant_type="client_credentials", scope="ops")

    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    assert "may not hold scope(s) ops; it may hold no scope" in response.json()["error_description"]


def bearer_for(user) -> Client:
    return Client(
        headers={"Authorization": f"Bearer {issue_token(user=user, scopes=['ops']).token}"}
    )


def test_each_endpoint_lets_in_only_the_ops_team(people, store_key):
    deactivated, demoted = bearer_for(people["staff"]), bearer_for(people["ops"])
    people["staff"].is_active = False
    people["staff"].save()
    people["ops"].groups.clear()
    callers = {
        "anonymous": (Client(), 401),
        "ops token": (bearer_for(get_user_model().objects.create_user("otto", is_staff=True)), 200),
        "deactivated user's token": (deactivated, 401),
        "token of a user no longer in ops": (demoted, 403),
        "plain user's session": (signed_in(people["plain"]), 403),
        "staff session": (
            signed_in(get_user_model().objects.create_user("sue", is_staff=True)),
            200,
        ),
    }

    got = {
        name: [c.get(path).status_code for path in ENDPOINTS] for name, (c, _) in callers.items()
    }

    assert got == {name: [status] * len(ENDPOINTS) for name, (_, status) in callers.items()}


def test_issue_token_refuses_ops_to_a_plain_user(people):
    with pytest.raises(
        ValueError, match="user 'pat' may not hold scope\\(s\\) ops; it may hold no scope"
    ):
        issue_token(user=people["plain"], scopes=["ops"])


def test_a_signed_in_user_cannot_register_an_application(people):
    assert signed_in(people["ops"]).get("/o/applications/register/").status_code == 404


def test_bootstrap_demo_takes_a_key_and_a_password_starting_with_a_dash(db, capsys):
    call_command(
        "bootstrap_demo",
        "--store",
        "store-001",
        "--key",
        "-dash-key-0123456789abcdef",
        "--password",
        "-dash-ops-pw",
    )

    printed = json.loads(capsys.readouterr().out)
    assert printed["password"] == "-dash-ops-pw"
    assert get_user_model().objects.get(username="ops").check_password("-dash-ops-pw")
    assert authenticate_store(code="store-001", key="-dash-key-0123456789abcdef") is not None
