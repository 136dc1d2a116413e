"""The console follows the browser's language (Italian here) and the header's switch changes
it for the rest of the session."""

from __future__ import annotations

from .conftest import OPS_PASSWORD, sign_in


def test_it_speaks_italian_and_switches_to_english(browser, cloud_server, ops_user):
    context = browser.new_context(base_url=cloud_server, locale="it-IT")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, cloud_server, "olga", OPS_PASSWORD)
        page.wait_for_url(f"{cloud_server}/console/stores/")
        assert page.locator("h1").inner_text().startswith("Negozi")
        assert "Incidenti" in page.locator(".topbar nav").inner_text()

        page.select_option("#language", "en")
        page.wait_for_function("document.documentElement.lang === 'en'")
        assert page.url == f"{cloud_server}/console/stores/"
        assert page.locator("h1").inner_text().startswith("Stores")
        page.goto(f"{cloud_server}/console/incidents/")
        assert page.locator("h1").inner_text().startswith("Incidents")
    finally:
        context.close()
