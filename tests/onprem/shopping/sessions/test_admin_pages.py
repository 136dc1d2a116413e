from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from tests.onprem.shopping.conftest import MILK, scan


def test_it_shows_sessions_and_their_baskets_to_a_superuser(session, shopper_client):
    scan(shopper_client, session, MILK, 2)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    browser = Client()
    browser.force_login(admin)

    for path in ("shoppingsession", "helprequest", "payment", "order"):
        assert browser.get(f"/admin/shopping/{path}/").status_code == 200, path
    page = browser.get(f"/admin/shopping/shoppingsession/{session.pk}/change/")
    assert page.status_code == 200
    assert b"Leite Mimosa 1 L" in page.content
