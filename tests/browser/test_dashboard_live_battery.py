"""A reading published over MQTT changes the cart's battery on the open page, with no reload."""

from __future__ import annotations

import time

import pytest

from .conftest import cart_reading

pytestmark = pytest.mark.timeout(90)


def test_a_published_reading_changes_the_battery_within_a_second(small_store, staff_page, publish):
    page = staff_page
    page.locator("#connection[data-state=live]").wait_for()
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    published = time.monotonic()
    publish("cart", "cart-002", "telemetry", cart_reading("cart-002", 1, soc=42.0))
    page.locator("#cart-cart-002 .soc", has_text="42%").wait_for(timeout=5_000)
    took = time.monotonic() - published

    assert took < 1.0, f"the battery showed after {took:.2f}s"
    assert page.evaluate("window.loadedOnce") is True
    publish("cart", "cart-002", "telemetry",
            cart_reading("cart-002", 2, soc=41.0, dock={"rack": "rack-01", "slot": 2}))
    page.locator("#rack-rack-01 [data-slot='rack-01/2'] #cart-cart-002 .soc", has_text="41%").wait_for()
    assert page.locator("#floor #cart-cart-002").count() == 0
