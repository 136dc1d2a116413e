"""Staff sign in through the login form and land on the live store."""

from __future__ import annotations

import pytest

from .conftest import STAFF_PASSWORD, sign_in

pytestmark = pytest.mark.timeout(60)


def test_it_signs_staff_in_and_shows_the_live_store(small_store, browser_context, onprem_server, staff_user):
    page = browser_context.new_page()
    page.goto(f"{onprem_server.url}/dashboard/")
    assert "/accounts/login/" in page.url  # not signed in yet

    sign_in(page, onprem_server.url, "maria", STAFF_PASSWORD)

    assert page.locator("h1").inner_text() == "Live store"
    assert page.locator("#rack-rack-01 .slot").count() == 4
    assert page.locator("#floor .cart").count() == 3  # provisioned, not in a rack
    page.locator("#connection[data-state=live]").wait_for()
