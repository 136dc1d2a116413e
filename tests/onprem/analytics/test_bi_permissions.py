"""Who may open each BI page and CSV: analysts yes; anonymous to the login page; everyone else 403."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import CSVS, PAGES, analyst, signed_in

URLS = PAGES + [f"/bi/csv/{name}.csv" for name in CSVS]


@pytest.mark.parametrize("url", URLS)
def test_it_sends_anonymous_visitors_to_the_login_page(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/bi/")


@pytest.mark.parametrize("url", URLS)
def test_it_refuses_staff_without_the_analytics_permission(db, url):
    staff = get_user_model().objects.create_user("stella", is_staff=True)
    response = signed_in(staff).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_it_refuses_a_shopper_even_with_the_permission(db, url):
    response = signed_in(analyst("sam", staff=False)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_it_serves_staff_with_the_analytics_permission(db, url):
    response = signed_in(analyst()).get(url)
    assert response.status_code == 200
    if url.endswith(".csv"):
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment;")


def test_it_serves_a_superuser(db):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", None)
    assert signed_in(boss).get("/bi/").status_code == 200


def test_it_links_the_bi_in_the_nav_only_for_analysts(db):
    staff = get_user_model().objects.create_user("stella", is_staff=True)
    assert 'href="/bi/"' not in signed_in(staff).get("/dashboard/").content.decode()
    assert 'href="/bi/"' in signed_in(analyst()).get("/dashboard/").content.decode()
