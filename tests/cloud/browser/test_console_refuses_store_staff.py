"""A store's staff member with a cloud account but without the ops role signs in and is turned
away from every console page, in the language the browser asks for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cloud.stores.services import register_store

from .conftest import sign_in

PAGES = [
    "/console/stores/",
    "/console/stores/store-001/",
    "/console/incidents/",
    "/console/channels/",
    "/console/software/",
]


@pytest.fixture
def clerk(transactional_db):
    register_store(code="store-001", name="One")
    get_user_model().objects.create_user("clerk", password="clerk-password-42")


def test_it_refuses_every_page_to_a_store_staff_user(context, cloud_server, clerk):
    page = context.new_page()
    sign_in(page, cloud_server, "clerk", "clerk-password-42", next_path="/console/stores/")
    page.wait_for_url(f"{cloud_server}/console/stores/")

    for path in PAGES:
        response = page.goto(f"{cloud_server}{path}")
        assert response.status == 403, path
        assert page.locator("h1").inner_text() == "This console is for the ops team"


def test_the_refusal_speaks_italian(browser, cloud_server, clerk):
    context = browser.new_context(base_url=cloud_server, locale="it-IT")
    try:
        page = context.new_page()
        sign_in(page, cloud_server, "clerk", "clerk-password-42", next_path="/console/stores/")
        page.wait_for_url(f"{cloud_server}/console/stores/")
        assert page.locator("h1").inner_text() == "Questa console è per il team operativo"
    finally:
        context.close()
