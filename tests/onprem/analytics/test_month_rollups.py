"""Whole months of a range are read from month rollups, edge days from day rollups: same answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from onprem.analytics import months
from onprem.analytics.dates import DateRange
from onprem.analytics.models import PairDay, ProductDay, ProductMonth
from onprem.analytics.queries import Report
from onprem.analytics.rollups import roll_up_range, store_today
from onprem.analytics.seeding import Plan, seed_history


@pytest.fixture
def seeded(db) -> Plan:
    """Fifty days of a 6-cart store ending the 5th of last month: one whole month and two edges."""
    until = (store_today().replace(day=1) - timedelta(days=1)).replace(day=5)
    plan = Plan(days=50, carts=6, seed=21, until=until)
    seed_history(plan)
    roll_up_range(plan.first, plan.until)
    whole, spans = months.split(plan.first, plan.until)
    assert len(whole) == 1 and len(spans) == 2
    return plan


def test_it_splits_a_range_into_whole_months_and_edge_days():
    whole, spans = months.split(date(2025, 1, 15), date(2025, 4, 3))
    assert whole == [date(2025, 2, 1), date(2025, 3, 1)]
    assert spans == [(date(2025, 1, 15), date(2025, 1, 31)), (date(2025, 4, 1), date(2025, 4, 3))]
    assert months.split(date(2024, 2, 1), date(2024, 2, 29)) == ([date(2024, 2, 1)], [])


def test_it_reads_the_same_top_products_as_summing_every_day(seeded):
    rng = DateRange(seeded.first, seeded.until)
    assert ProductMonth.objects.filter(month=months.month_of(seeded.first)).exists()
    by_day: dict[int, int] = {}
    for product_id, baskets in ProductDay.objects.values_list("product_id", "baskets"):
        by_day[product_id] = by_day.get(product_id, 0) + baskets
    assert {p["product_id"]: p["baskets"] for p in Report(rng).products} == by_day


def test_it_reads_the_same_top_pair_as_summing_every_day(seeded):
    totals: dict[tuple, int] = {}
    for a, b, n in PairDay.objects.values_list("product_a_id", "product_b_id", "baskets"):
        totals[(a, b)] = totals.get((a, b), 0) + n
    best = max(totals.values())
    top = Report(DateRange(seeded.first, seeded.until)).pairs[0]
    assert totals[(top["a"], top["b"])] == best == top["baskets"]
