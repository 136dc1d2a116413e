"""The cloud admin login locks a username out after five wrong passwords (django-axes)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client


def test_it_locks_out_a_guessed_ops_login(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_user_model().objects.create_user("ops", password="right-pw-0123", is_staff=True)
    browser = Client()

    codes = [
        browser.post("/admin/login/", {"username": "ops", "password": pw}).status_code
        for pw in ["a", "b", "c", "d", "e", "right-pw-0123"]
    ]

    assert codes == [200, 200, 200, 200, 429, 429]
