"""A shopper presses a cart's help button: the request goes on top of the alerts with a sound
that repeats until someone acknowledges it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import cart_reading

pytestmark = pytest.mark.timeout(90)

COUNT_PLAYS = "window.plays = 0; HTMLMediaElement.prototype.play = function () { window.plays++; return Promise.resolve(); };"


def help_pressed(device: str, seq: int) -> dict:
    ts = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"schema": "event/1", "device": device, "boot_id": "boot-a", "seq": seq, "ts": ts,
            "event": "help_requested", "data": {}}


def test_a_help_request_rings_on_top_until_acknowledged(small_store, staff_page, publish):
    page = staff_page
    page.add_init_script(COUNT_PLAYS)
    page.reload()
    page.locator("#connection[data-state=live]").wait_for()
    publish("cart", "cart-002", "telemetry", cart_reading("cart-002", 1, soc=50.0, health="fault", faults=("E7",)))
    page.locator("#alerts .alert.critical").wait_for()
    assert page.evaluate("window.plays") == 0  # a fault does not ring

    publish("cart", "cart-001", "event", help_pressed("cart-001", 2))

    first = page.locator("#alerts .alert").first
    first.and_(page.locator(".alert.help")).wait_for()
    assert "cart-001" in first.inner_text()
    page.wait_for_function("window.plays >= 2", timeout=10_000)  # rings again while nobody answers
    first.locator("button.acknowledge").click()
    page.locator("body:not(.help-waiting)").wait_for()
    rung = page.evaluate("window.plays")
    page.wait_for_timeout(4500)
    assert page.evaluate("window.plays") == rung
