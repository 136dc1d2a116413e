"""Five wrong passwords lock a username out of a login form from that address (django-axes)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.mark.parametrize(
    ("login", "landing"),
    [
        ("/admin/login/?next=/admin/", "/admin/"),
        ("/accounts/login/?next=/o/authorize/", "/o/authorize/"),
    ],
)
def test_it_locks_out_a_guessed_username_and_not_the_others(db, settings, login, landing):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User = get_user_model()
    User.objects.create_user("stella", password="right-pw-0123", is_staff=True)
    User.objects.create_user("olga", password="olga-pw-0123", is_staff=True)
    browser = Client()

    wrong = [
        browser.post(login, {"username": "stella", "password": f"guess-{n}"}).status_code
        for n in range(5)
    ]
    locked = browser.post(login, {"username": "stella", "password": "right-pw-0123"})
    other = Client().post(login, {"username": "olga", "password": "olga-pw-0123"})

    assert wrong == [200, 200, 200, 200, 429]  # the form again, with its error; then locked
    assert locked.status_code == 429  # even the right password, for 15 minutes
    assert "locked" in locked.content.decode().lower()
    assert other.status_code == 302 and other["Location"] == landing
