"""A browser that asks for Italian (Accept-Language: it) gets the dashboard in Italian.

Needs the Italian catalog (locale/it, written with the translations): until it exists the page
says lang="it" but its words are still English, and this test says so."""

from __future__ import annotations

import pytest

from .conftest import STAFF_PASSWORD, sign_in

pytestmark = pytest.mark.timeout(60)


def page_in(browser, url: str, language: str):
    context = browser.new_context(base_url=url, locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    sign_in(page, url, "maria", STAFF_PASSWORD)
    return context, page


def test_accept_language_it_gives_the_italian_page(small_store, browser, onprem_server, staff_user):
    english_context, english = page_in(browser, onprem_server.url, "en")
    italian_context, italian = page_in(browser, onprem_server.url, "it")
    try:
        assert english.locator("html").get_attribute("lang") == "en"
        assert italian.locator("html").get_attribute("lang") == "it"
        for part in ("h1", "nav", ".totals", "#alerts-title", "#floor-title"):
            assert italian.locator(part).inner_text() != english.locator(part).inner_text(), \
                f"{part} is not translated: {italian.locator(part).inner_text()!r}"
    finally:
        english_context.close()
        italian_context.close()
