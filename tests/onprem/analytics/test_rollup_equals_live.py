"""A day's stored rollup says what a live computation over the raw tables says."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from onprem.analytics.models import PairDay, ProductDay, StoreDay
from onprem.analytics.rollups import compute_day, day_bounds
from onprem.shopping.choices import SessionState
from onprem.shopping.models import HelpRequest, ShoppingSession

from .conftest import week_query

FIELDS = ["sessions", "paid", "orders", "abandoned", "help_requests", "shoppers", "returning", "ended",
          "duration_seconds", "items", "value", "interval_days", "by_hour", "duration_hist", "size_hist",
          "value_hist", "interval_hist"]


def test_it_stores_what_the_live_computation_finds(seeded):
    day = seeded.until - timedelta(days=2)
    stored, live = StoreDay.objects.get(day=day), compute_day(day)
    assert live.store.sessions > 0
    assert {f: getattr(stored, f) for f in FIELDS} == {f: getattr(live.store, f) for f in FIELDS}
    stored_products = {(p.product_id, p.baskets, p.quantity, p.revenue) for p in ProductDay.objects.filter(day=day)}
    assert stored_products == {(p.product_id, p.baskets, p.quantity, p.revenue) for p in live.products}
    stored_pairs = {(p.product_a_id, p.product_b_id, p.baskets) for p in PairDay.objects.filter(day=day)}
    assert stored_pairs == {(p.product_a_id, p.product_b_id, p.baskets) for p in live.pairs}


def test_its_daily_counts_match_the_raw_tables(bi_client, seeded):
    day = seeded.first + timedelta(days=5)
    start, end = day_bounds(day)
    sessions = ShoppingSession.objects.filter(started_at__gte=start, started_at__lt=end)
    response = bi_client.get(f"/bi/csv/help-abandoned.csv?{week_query(seeded)}")
    row = next(r for r in csv.reader(io.StringIO(response.content.decode())) if r[0] == day.isoformat())
    assert int(row[1]) == sessions.count()
    assert int(row[2]) == HelpRequest.objects.filter(created_at__gte=start, created_at__lt=end).count()
    assert int(row[4]) == sessions.filter(state=SessionState.ABANDONED).count()


def test_it_replaces_a_day_rolled_up_twice(seeded):
    from onprem.analytics.rollups import roll_up

    day = seeded.until
    before = ProductDay.objects.filter(day=day).count()
    roll_up(day)
    assert StoreDay.objects.filter(day=day).count() == 1
    assert ProductDay.objects.filter(day=day).count() == before
