"""seed_history fills a small store quickly, plausibly, and the same way for the same seed."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from onprem.analytics.models import CartBatteryDay, ErpDailyOrders, StoreDay
from onprem.analytics.rollups import store_today
from onprem.analytics.seeding import Plan, seed_history
from onprem.fleet.models import Cart
from onprem.shopping.choices import SessionState
from onprem.shopping.models import BasketLine, HelpRequest, Order, Payment, ShoppingSession


def _fingerprint() -> tuple:
    totals = Order.objects.aggregate(n=Count("id"), total=Sum("total"))
    return (ShoppingSession.objects.count(), BasketLine.objects.count(), totals["n"], totals["total"],
            HelpRequest.objects.count(), tuple(ErpDailyOrders.objects.order_by("day").values_list("orders", flat=True)))


def test_it_seeds_thirty_days_of_twenty_carts_in_seconds(db, capsys):
    began = time.monotonic()
    call_command("seed_history", "--days", "30", "--carts", "20", "--seed", "4")
    assert time.monotonic() - began < 30
    assert Cart.objects.count() == 20
    assert StoreDay.objects.count() == 30
    assert ErpDailyOrders.objects.count() == 30
    assert CartBatteryDay.objects.count() == 30 * 20
    assert "rolled_up=30" in capsys.readouterr().out
    # Plausible: most sessions paid, some abandoned, every paid one has its payment and order.
    paid = ShoppingSession.objects.filter(state=SessionState.PAID).count()
    abandoned = ShoppingSession.objects.filter(state=SessionState.ABANDONED).count()
    assert 0.02 < abandoned / (paid + abandoned) < 0.25
    assert Order.objects.count() == paid == Payment.objects.count()
    assert not ShoppingSession.objects.filter(open_cart__isnull=False).exists()
    # Shoppers come back: some shopped more than once.
    repeat = ShoppingSession.objects.values("shopper").annotate(n=Count("id")).filter(n__gte=2).count()
    assert repeat > 10
    # Weekday habits: Saturday is busier than Tuesday.
    by_weekday = [0] * 7
    for row in StoreDay.objects.all():
        by_weekday[row.day.weekday()] += row.sessions
    assert by_weekday[5] > by_weekday[1]


def test_it_seeds_the_same_store_for_the_same_seed(db):
    plan = Plan(days=7, carts=5, seed=9, until=store_today() - timedelta(days=1))
    seed_history(plan)
    first = _fingerprint()
    Order.objects.all().delete()
    Payment.objects.all().delete()
    ShoppingSession.objects.all().delete()
    seed_history(plan)
    assert _fingerprint() == first
    assert first[3] > Decimal(0)


def test_it_refuses_to_seed_the_same_days_twice_with_one_seed(db):
    call_command("seed_history", "--days", "3", "--carts", "3", "--seed", "5", "--no-rollup")
    with pytest.raises(CommandError, match="another --seed"):
        call_command("seed_history", "--days", "3", "--carts", "3", "--seed", "5", "--no-rollup")


def test_it_refuses_to_seed_today(db):
    with pytest.raises(CommandError, match="before today"):
        call_command("seed_history", "--days", "3", "--carts", "3", "--until", store_today().isoformat())
