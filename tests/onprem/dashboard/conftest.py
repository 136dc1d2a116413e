from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onprem.fleet.services import provision_device


@pytest.fixture
def store(db) -> None:
    """rack-01 (4 slots) and carts cart-001..cart-003, nothing heard from them yet."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")


def signed_in(username: str, *, staff: bool) -> Client:
    user = get_user_model().objects.create_user(username, password="pw-123456789", is_staff=staff)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def staff_client(db) -> Client:
    return signed_in("maria", staff=True)


@pytest.fixture
def shopper_client(db) -> Client:
    return signed_in("ada", staff=False)
