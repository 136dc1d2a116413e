"""The cart page draws its battery chart for the chosen range and sends a command from its
buttons. SMARTCART_SCREENSHOTS=<dir> saves it as <dir>/dashboard-cart.png."""

from __future__ import annotations

import math
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from onprem.commands.models import Command
from onprem.fleet.models import CartReading, DeviceEvent

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def cart_with_a_past(small_store) -> str:
    now = timezone.now()
    CartReading.objects.bulk_create([
        CartReading(device_id="cart-001", boot_id="b", seq=i, ts=now - timedelta(minutes=i), received_at=now,
                    soc=55 + 40 * math.sin(i / 180), voltage=25.0, temperature=24 + 4 * math.sin(i / 90),
                    charging=False, health="ok", firmware="1.4.2" if i < 600 else "1.4.1")
        for i in range(0, 7 * 24 * 60, 2)
    ])
    DeviceEvent.objects.create(device_id="cart-001", kind="cart", boot_id="b", seq=1, ts=now - timedelta(hours=10),
                               event="update_installed", data={"firmware": "1.4.2"})
    return "cart-001"


def test_the_cart_page_draws_its_chart_and_sends_a_command(cart_with_a_past, staff_page, onprem_server, staff_user):
    page = staff_page
    page.goto(f"{onprem_server.url}/dashboard/carts/cart-001/")
    chart = page.locator("#battery-chart[data-range='24h']")
    chart.wait_for(state="attached")
    assert 280 <= int(chart.get_attribute("data-points")) <= 290

    page.locator(".ranges button[data-range='7d']").click()
    page.locator("#battery-chart[data-range='7d']").wait_for(state="attached")
    assert 160 <= int(page.locator("#battery-chart").get_attribute("data-points")) <= 170
    assert "1.4.1" in page.locator("body").inner_text() and "update_installed" in page.locator("body").inner_text()
    if shots := os.environ.get("SMARTCART_SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / "dashboard-cart.png"), full_page=True)

    page.locator("button[data-command='locate']").click()

    page.locator(".messages li", has_text="locate").wait_for()
    assert Command.objects.get().requested_by == staff_user.username
