"""A fault published by a cart shows as an alert on the open page; acknowledging it there
records who did it."""

from __future__ import annotations

import pytest

from onprem.alerts.models import Alert

from .conftest import cart_reading, wait_until

pytestmark = pytest.mark.timeout(90)


def test_a_published_fault_shows_an_alert_that_staff_acknowledge(small_store, staff_page, publish, staff_user):
    page = staff_page
    page.locator("#connection[data-state=live]").wait_for()

    publish("cart", "cart-003", "telemetry",
            cart_reading("cart-003", 1, soc=77.0, health="fault", faults=("E12",)))
    alert = wait_until(lambda: Alert.objects.filter(device_id="cart-003", kind="fault").first(), "a fault alert")
    item = page.locator(f"#alert-{alert.pk}")
    item.wait_for()
    assert "cart-003" in item.inner_text()
    assert page.locator("#total-faulty").inner_text() == "1"

    item.locator("button.acknowledge").click()

    item.locator(".acknowledged-by", has_text="Maria").wait_for()
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by_id) == ("acknowledged", staff_user.pk)
    assert item.locator("button.acknowledge").count() == 0
