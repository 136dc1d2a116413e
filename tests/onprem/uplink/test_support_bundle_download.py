"""GET /api/v1/support-bundles/<id>/: the bundle, streamed, to an ops token only."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table


@pytest.fixture
def built(db, tmp_path, settings) -> dict:
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    return ACTIONS["action.support_bundle"]({})


def bearer(username: str, scope: str, *, staff: bool = False, group: str = "") -> Client:
    user = get_user_model().objects.create_user(username, is_staff=staff)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return Client(
        headers={"Authorization": f"Bearer {issue_token(username=username, scopes=[scope]).token}"}
    )


def session(username: str, *, staff: bool = False, group: str = "") -> Client:
    user = get_user_model().objects.create_user(username, is_staff=staff)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client


def test_it_streams_the_bundle_to_an_ops_token(built):
    response = bearer("olga", "ops", group="ops").get(built["download_path"])

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="support-{built["bundle_id"]}.tar.gz"'
    )
    assert len(body) == built["size"]
    assert hashlib.sha256(body).hexdigest() == built["sha256"]


def test_it_serves_a_signed_in_ops_user(built):
    response = session("oscar", group="ops").get(built["download_path"])

    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == built["sha256"]


@pytest.mark.parametrize(
    ("caller", "status"),
    [("staff", 403), ("shopper", 403), ("device", 403), ("staff session", 403), ("anonymous", 401)],
)
def test_it_refuses_everyone_but_ops(built, caller, status):
    client = {
        "staff": lambda: bearer("stella", "staff", staff=True),
        "shopper": lambda: bearer("sam", "shopper"),
        "device": lambda: bearer("svc-devices", "device", group="device"),
        "staff session": lambda: session("stella", staff=True),
        "anonymous": Client,
    }[caller]()

    response = client.get(built["download_path"])

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if caller == "staff session":
        assert response.json()["detail"] == "Your account's role lacks scope: needs one of ops."
    elif status == 403:
        assert response.json()["detail"] == "Token lacks scope: needs one of ops."
