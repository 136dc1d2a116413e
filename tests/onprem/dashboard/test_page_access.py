"""Who may open the dashboard's pages: staff; a shopper gets a 403, nobody signed in is sent to
the login page."""

from __future__ import annotations

import pytest
from django.test import Client

PAGES = ["/dashboard/", "/dashboard/alerts/", "/dashboard/carts/cart-001/",
         "/dashboard/carts/cart-001/history.json?range=1h"]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(store, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


@pytest.mark.parametrize("path", PAGES)
def test_it_refuses_signed_in_users_who_are_not_staff(store, shopper_client, path):
    assert shopper_client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_it_shows_staff_every_page(store, staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_posts_from_non_staff_change_nothing(store, shopper_client):
    from onprem.commands.models import Command

    response = shopper_client.post("/dashboard/carts/cart-001/commands/", {"command": "locate"})

    assert response.status_code == 403
    assert not Command.objects.exists()


def test_the_live_page_shows_racks_carts_and_the_store(store, staff_client, settings):
    settings.STORE_NAME = "Coop Lugano"
    page = staff_client.get("/dashboard/").content.decode()

    assert "Coop Lugano" in page
    assert '"id": "rack-01"' in page and '"id": "cart-003"' in page  # the snapshot the JS draws
    assert 'action="/accounts/logout/"' in page


def test_sign_out_is_a_post_that_ends_the_session(staff_client):
    assert staff_client.get("/dashboard/").status_code == 200

    assert staff_client.post("/accounts/logout/").status_code == 302
    assert staff_client.get("/dashboard/").status_code == 302
