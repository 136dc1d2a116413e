"""Ops sign in to the console; an account without the ops role is turned away."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .conftest import sign_in


def test_it_shows_the_console_to_ops(ops_page):
    assert ops_page.locator("h1").inner_text() == "Campaigns"
    assert ops_page.locator(".topbar").inner_text().count("Sign out (olga)") == 1


def test_it_refuses_a_signed_in_user_without_ops(context, cloud_server):
    get_user_model().objects.create_user("clerk", password="clerk-password-42")
    page = context.new_page()

    sign_in(page, cloud_server, "clerk", "clerk-password-42")
    page.wait_for_url(f"{cloud_server}/console/")

    assert page.locator("h1").inner_text() == "This console is for the ops team"
    assert "The account clerk has no ops role." in page.locator("main").inner_text()
    response = page.goto(f"{cloud_server}/console/releases/")
    assert response.status == 403
