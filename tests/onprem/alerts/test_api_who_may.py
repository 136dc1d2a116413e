"""Only staff reach the alerts API: a shopper's token, a device's token, no token at all and a
shopper's session are refused on every alerts route, and nothing changes; a staff session
(the dashboard) gets in."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.alerts.models import Alert
from tests.oauth_flows import signed_in
from tests.onprem.auth.conftest import person

from .conftest import bearer, ingest, status

ROUTES = [("get", "/api/v1/alerts/"), ("get", "/api/v1/alerts/{id}/"),
          ("post", "/api/v1/alerts/{id}/acknowledge/"), ("post", "/api/v1/alerts/{id}/resolve/")]


def caller(kind: str) -> Client:
    if kind == "no token":
        return Client()
    if kind == "shopper token":
        return bearer(person("sam"), "shopper")
    if kind == "rack token":
        return bearer(person("svc-racks", groups=("device",)), "device")
    if kind == "ops token":
        return bearer(person("olga", groups=("ops",)), "ops")
    if kind == "shopper session":
        return signed_in(person("sam"))
    return signed_in(person("stella", staff=True))


def call(client: Client, method: str, path: str) -> int:
    if method == "post":
        return client.post(path, {}, content_type="application/json").status_code
    return client.get(path).status_code


@pytest.mark.parametrize("kind,expected", [("no token", 401), ("shopper token", 403), ("rack token", 403),
                                           ("ops token", 403), ("shopper session", 403)])
def test_everyone_but_staff_is_refused_and_nothing_changes(fleet, kind, expected):
    ingest(status("cart-001", "offline"))
    alert = Alert.objects.get()
    client = caller(kind)

    got = {path: call(client, method, path.format(id=alert.pk)) for method, path in ROUTES}

    assert got == dict.fromkeys(got, expected)
    assert Alert.objects.get().state == "open"


def test_a_staff_session_gets_in(fleet):
    ingest(status("cart-001", "offline"))
    alert = Alert.objects.get()
    client = caller("staff session")

    got = {path: call(client, method, path.format(id=alert.pk)) for method, path in ROUTES}

    assert got == dict.fromkeys(got, 200)
    assert Alert.objects.get().state == "resolved"
