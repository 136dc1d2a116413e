"""Month rollups of products and pairs, and how a date range splits into whole months and days.

A year of ProductDay/PairDay rows is about 200,000: summing them per request took 130-150 ms
each on MariaDB. Whole months inside a range are read from ProductMonth/PairMonth instead,
and only the days at the edges from the day tables.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum

from .models import PairDay, PairMonth, ProductDay, ProductMonth

PAIRS_KEPT_PER_MONTH = 1000


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def split(first: date, last: date) -> tuple[list[date], list[tuple[date, date]]]:
    """(months wholly inside [first, last], day spans left over at the edges)."""
    months, spans = [], []
    month = month_of(first)
    while month <= last:
        end = month_end(month)
        lo, hi = max(month, first), min(end, last)
        if lo == month and hi == end:
            months.append(month)
        elif lo <= hi:
            spans.append((lo, hi))
        month = end + timedelta(days=1)
    return months, spans


def roll_up_month(month: date) -> None:
    """Re-sum one month from its day rows (after any of its days was rolled up)."""
    days = {"day__gte": month, "day__lte": month_end(month)}
    products = (
        ProductDay.objects.filter(**days).values("product_id")
        .annotate(b=Sum("baskets"), q=Sum("quantity"), r=Sum("revenue"))
    )
    pairs = (
        PairDay.objects.filter(**days).values("product_a_id", "product_b_id").annotate(b=Sum("baskets"))
        .order_by("-b", "product_a_id", "product_b_id")[:PAIRS_KEPT_PER_MONTH]
    )
    with transaction.atomic():
        ProductMonth.objects.filter(month=month).delete()
        PairMonth.objects.filter(month=month).delete()
        ProductMonth.objects.bulk_create(
            ProductMonth(month=month, product_id=p["product_id"], baskets=p["b"], quantity=p["q"], revenue=p["r"])
            for p in products
        )
        PairMonth.objects.bulk_create(
            PairMonth(month=month, product_a_id=p["product_a_id"], product_b_id=p["product_b_id"], baskets=p["b"])
            for p in pairs
        )
