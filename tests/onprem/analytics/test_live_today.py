"""Today's numbers come live from the raw tables, without waiting for the nightly rollup."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from onprem.analytics.models import StoreDay
from onprem.analytics.rollups import store_today
from onprem.fleet.models import Cart
from onprem.fleet.services import current_store
from onprem.shopping.choices import SessionState
from onprem.shopping.models import ShoppingSession
from tests.onprem.auth.conftest import person


def test_it_counts_todays_sessions_before_any_rollup(bi_client):
    cache.clear()
    cart = Cart.objects.create(store=current_store(), device_id="cart-001", mqtt_username="cart-001")
    for name in ("sam", "eve", "ada"):
        ShoppingSession.objects.create(shopper=person(name), cart=cart, state=SessionState.ABANDONED,
                                       ended_at=timezone.now())
    assert not StoreDay.objects.exists()
    rows = list(csv.reader(io.StringIO(bi_client.get("/bi/csv/help-abandoned.csv").content.decode())))
    today = [r for r in rows if r[0] == store_today().isoformat()]
    assert today == [[store_today().isoformat(), "3", "0", "0.0", "3", "100.0"]]
    assert not StoreDay.objects.exists()  # computed, not stored


def test_it_leaves_today_out_of_a_range_that_ends_before_it(bi_client):
    yesterday = store_today() - timedelta(days=1)
    rows = list(csv.reader(io.StringIO(
        bi_client.get(f"/bi/csv/adoption.csv?from={yesterday}&to={yesterday}").content.decode())))
    assert rows[1:] == []
