"""The page reconnects by itself after the server restarts, catches up, and goes on updating."""

from __future__ import annotations

import pytest

from .conftest import cart_reading

pytestmark = pytest.mark.timeout(120)


def test_the_page_reconnects_after_a_server_restart(small_store, staff_page, onprem_server, publish):
    page = staff_page
    page.locator("#connection[data-state=live]").wait_for()
    page.evaluate("window.loadedOnce = true")

    onprem_server.stop()
    page.locator("#connection[data-state=reconnecting]").wait_for()
    publish("cart", "cart-001", "telemetry", cart_reading("cart-001", 1, soc=63.0))  # while it is down
    onprem_server.start()

    page.locator("#connection[data-state=live]").wait_for(timeout=20_000)
    page.locator("#cart-cart-001 .soc", has_text="63%").wait_for()  # caught up by the snapshot
    publish("cart", "cart-001", "telemetry", cart_reading("cart-001", 2, soc=62.0))
    page.locator("#cart-cart-001 .soc", has_text="62%").wait_for(timeout=5_000)
    assert page.evaluate("window.loadedOnce") is True
