"""The live page of a busy store, as docs/screenshots/dashboard-live.png shows it.

Also a check that the page draws a store with racks, docked and floor carts, a fault and a
flat battery. SMARTCART_SCREENSHOTS=<dir> saves the page as <dir>/dashboard-live.png
(docs/screenshots/dashboard-live.png is made so)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device

from .conftest import cart_reading

pytestmark = pytest.mark.timeout(120)

RACKS = {"rack-01": 6, "rack-02": 6}
DOCKED = {"rack-01": [1, 2, 3, 5], "rack-02": [1, 2, 4, 6]}
FLOOR = 6


@pytest.fixture
def busy_store(transactional_db) -> dict:
    for rack, slots in RACKS.items():
        provision_device(kind="rack", device_id=rack, slot_count=slots)
    carts = [f"cart-{n:03d}" for n in range(1, sum(map(len, DOCKED.values())) + FLOOR + 1)]
    for device in carts:
        provision_device(kind="cart", device_id=device)
    Cart.objects.filter(device_id__in=carts[-FLOOR:-2]).update(in_session=True)
    return {"carts": carts}


def rack_reading(rack: str, seq: int, docked: dict[int, str]) -> dict:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"schema": "rack.telemetry/1", "device": rack, "boot_id": "boot-r", "seq": seq, "ts": now,
            "slots": [{"slot": n, "cart": docked.get(n), "charging_current": 2.1 if n in docked else 0}
                      for n in range(1, RACKS[rack] + 1)],
            "health": {"state": "ok", "faults": []}, "firmware": "2.3.1"}


def test_the_live_page_of_a_busy_store(busy_store, staff_page, publish):
    page = staff_page
    page.locator("#connection[data-state=live]").wait_for()
    carts = iter(busy_store["carts"])
    for rack, slots in DOCKED.items():
        docked = {n: next(carts) for n in slots}
        publish("rack", rack, "telemetry", rack_reading(rack, 1, docked))
        for n, cart in docked.items():
            publish("cart", cart, "telemetry",
                    cart_reading(cart, 1, soc=40 + 12 * n % 60, dock={"rack": rack, "slot": n}))
    floor = list(carts)
    for i, cart in enumerate(floor):
        faults = ("E12",) if i == 0 else ()
        publish("cart", cart, "telemetry", cart_reading(
            cart, 1, soc=[15, 88, 64, 47, 92, 71][i], health="fault" if faults else "ok", faults=faults))

    page.locator(f"#floor #cart-{floor[-1]} .soc", has_text="71%").wait_for()
    page.locator("#alerts .alert").first.wait_for()
    assert page.locator("#total-faulty").inner_text() == "1"
    assert page.locator("#total-in_use").inner_text() == "4"
    assert page.locator(".slot .cart").count() == 8
    if shots := os.environ.get("SMARTCART_SCREENSHOTS"):
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(shots) / "dashboard-live.png"), full_page=True)
