from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def person(
    username: str, *, staff: bool = False, groups: tuple[str, ...] = (), active: bool = True
):
    # No password: tests sign people in with force_login, and hashing one costs half a second.
    user = get_user_model().objects.create_user(username, is_staff=staff, is_active=active)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture(autouse=True)
def fast_client_secret_hashing(settings):
    # Client secrets are hashed with the first password hasher; PBKDF2 would take seconds here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db) -> dict:
    """One user per role in a store, plus a deactivated staff member."""
    return {
        "shopper": person("sam"),
        "staff": person("stella", staff=True),
        "ops": person("olga", groups=("ops",)),
        "device": person("svc-devices", groups=("device",)),
        "integration": person("svc-erp", groups=("integration",)),
        "inactive": person("ian", staff=True, active=False),
    }
