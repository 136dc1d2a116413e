"""Battery health per cart: cycles from the day's readings, capacity fading with them, carts to replace."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from django.utils import timezone

from onprem.analytics.models import CartBatteryDay
from onprem.analytics.rollups import FADE_PCT_PER_CYCLE, roll_up, store_today
from onprem.fleet.models import Cart, CartReading
from onprem.fleet.services import current_store


def _readings(device_id: str, day, socs: list[float]) -> None:
    start = timezone.make_aware(datetime.combine(day, time(9)))
    CartReading.objects.bulk_create(
        CartReading(device_id=device_id, boot_id="b1", seq=n, ts=start + timedelta(minutes=10 * n),
                    received_at=start, soc=soc, voltage=25.0, temperature=20 + n, charging=False,
                    health="ok", firmware="1.0.0")
        for n, soc in enumerate(socs)
    )


def test_it_counts_cycles_and_fades_capacity_from_the_day_before(db):
    cart = Cart.objects.create(store=current_store(), device_id="cart-007", mqtt_username="cart-007")
    day = store_today() - timedelta(days=1)
    CartBatteryDay.objects.create(day=day - timedelta(days=1), cart=cart, cycles=0.5, cycles_total=900,
                                  capacity_pct=81.0)
    # 100 → 40 (60 %), charged to 90, down to 50 (40 %): one full cycle.
    _readings("cart-007", day, [100, 70, 40, 90, 50])
    roll_up(day)
    row = CartBatteryDay.objects.get(cart=cart, day=day)
    assert row.cycles == 1.0
    assert row.cycles_total == 901.0
    assert row.capacity_pct == round(81.0 - FADE_PCT_PER_CYCLE, 3)
    assert (row.min_soc, row.max_temperature) == (40, 24)


def test_it_lists_carts_to_replace(bi_client):
    store, day = current_store(), store_today() - timedelta(days=1)
    worn = Cart.objects.create(store=store, device_id="cart-worn", mqtt_username="cart-worn")
    fresh = Cart.objects.create(store=store, device_id="cart-new", mqtt_username="cart-new")
    CartBatteryDay.objects.create(day=day, cart=worn, cycles=0.2, cycles_total=1100, capacity_pct=76.5)
    CartBatteryDay.objects.create(day=day, cart=fresh, cycles=0.3, cycles_total=40, capacity_pct=99.2)
    page = bi_client.get("/bi/battery/").content.decode()
    assert "Carts to replace" in page
    rows = list(csv.reader(io.StringIO(bi_client.get("/bi/csv/battery.csv").content.decode())))
    assert rows[1] == ["cart-worn", "0.2", "1100.0", "76.5", "yes"]
    assert rows[2] == ["cart-new", "0.3", "40.0", "99.2", "no"]
