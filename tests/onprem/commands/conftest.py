from __future__ import annotations

import pytest
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.fleet.services import provision_device
from tests.onprem.auth.conftest import person


@pytest.fixture
def fleet(db):
    """rack-01 (4 slots) and carts cart-001..cart-003, all offline."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")


def bearer(user, scope: str) -> Client:
    raw = issue_token(username=user.username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def staff(db) -> Client:
    """A store manager's token (user stella, staff scope)."""
    return bearer(person("stella", staff=True), "staff")


@pytest.fixture
def ops(db) -> Client:
    """An ops engineer's token (user olga, ops scope)."""
    return bearer(person("olga", groups=("ops",)), "ops")


def send(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")
