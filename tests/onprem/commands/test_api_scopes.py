"""Who may send a command and read commands: staff and ops, nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.commands.models import Command
from tests.oauth_flows import signed_in
from tests.onprem.auth.conftest import person

from .conftest import bearer, send

LOCATE = {"command": "locate", "args": {"seconds": 5}}


def caller(kind: str) -> Client:
    if kind == "anonymous":
        return Client()
    if kind == "staff session":
        return signed_in(person("sid", staff=True))
    if kind == "shopper session":
        return signed_in(person("sue"))
    role = kind.split()[0]
    groups = () if role in ("staff", "shopper") else (role,)
    return bearer(person(f"u-{role}", staff=role == "staff", groups=groups), role)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("anonymous", 401),
        ("shopper token", 403),
        ("device token", 403),
        ("shopper session", 403),
        ("staff token", 202),
        ("ops token", 202),
        ("staff session", 202),
    ],
)
def test_it_lets_only_staff_and_ops_send_and_read_commands(fleet, kind, status):
    client = caller(kind)

    sent = send(client, "/api/v1/carts/cart-001/commands/", LOCATE)
    listed = client.get("/api/v1/commands/")

    assert sent.status_code == status
    assert listed.status_code == (200 if status == 202 else status)
    assert Command.objects.count() == (1 if status == 202 else 0)
    if status == 202:
        who = "sid" if kind == "staff session" else f"u-{kind.split()[0]}"
        assert sent.json()["requested_by"] == who
        assert listed.json()["results"][0]["id"] == sent.json()["id"]
        assert client.get(f"/api/v1/commands/{sent.json()['id']}/").json()["state"] == "queued"
