"""Reads of a date range: stored rollups for past days, plus today computed live.

A `Report` is built per request; each figure is read once and shared by the page's tables.
Today's live figures are cached briefly: a page opened by three people at once computes
them once, and they are never more than LIVE_CACHE_SECONDS old.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Max, Min, Sum

from onprem.catalog.models import Product
from onprem.fleet.models import Cart
from onprem.shopping.models import ShoppingSession

from .buckets import add_into
from .dates import DateRange
from .models import CartBatteryDay, ErpDailyOrders, PairDay, ProductDay, StoreDay
from .rollups import DayFigures, compute_day, day_bounds, store_today

LIVE_CACHE_SECONDS = 30
PAIRS_READ = 200


class Report:
    """Everything the BI shows for one range."""

    def __init__(self, rng: DateRange) -> None:
        self.range = rng
        self.today = store_today()
        self._stored = {"day__gte": rng.first, "day__lte": min(rng.last, self.today - timedelta(days=1))}

    @cached_property
    def live(self) -> DayFigures | None:
        if not self.range.first <= self.today <= self.range.last:
            return None
        key = f"analytics:live:{self.today.isoformat()}"
        figures = cache.get(key)
        if figures is None:
            figures = compute_day(self.today)
            cache.set(key, figures, LIVE_CACHE_SECONDS)
        return figures

    @cached_property
    def days(self) -> list[StoreDay]:
        rows = list(StoreDay.objects.filter(**self._stored).order_by("day"))
        if self.live is not None:
            rows.append(self.live.store)
        return rows

    @cached_property
    def erp_orders(self) -> dict:
        rows = ErpDailyOrders.objects.filter(day__gte=self.range.first, day__lte=self.range.last)
        return dict(rows.values_list("day", "orders"))

    def total(self, name: str):
        return sum((getattr(d, name) for d in self.days), start=Decimal(0) if name == "value" else 0)

    @cached_property
    def shoppers(self) -> tuple[int, int]:
        """(shoppers who shopped in the range, those who came at least twice)."""
        start, _ = day_bounds(self.range.first)
        _, end = day_bounds(self.range.last)
        per_shopper = (
            ShoppingSession.objects.filter(started_at__gte=start, started_at__lt=end)
            .values("shopper_id")
            .annotate(visits=Count("id"))
        )
        return per_shopper.count(), per_shopper.filter(visits__gte=2).count()

    @cached_property
    def products(self) -> list[dict]:
        """Every product bought in the range, most baskets first."""
        rows = ProductDay.objects.filter(**self._stored).values("product_id")
        merged = {
            r["product_id"]: r
            for r in rows.annotate(baskets=Sum("baskets"), quantity=Sum("quantity"), revenue=Sum("revenue"))
        }
        for live in self.live.products if self.live else []:
            row = merged.setdefault(
                live.product_id,
                {"product_id": live.product_id, "baskets": 0, "quantity": 0, "revenue": 0},
            )
            row["baskets"] += live.baskets
            row["quantity"] += live.quantity
            row["revenue"] += live.revenue
        return sorted(merged.values(), key=lambda r: (-r["baskets"], r["product_id"]))

    @cached_property
    def pairs(self) -> list[dict]:
        rows = (
            PairDay.objects.filter(**self._stored)
            .values("product_a_id", "product_b_id")
            .annotate(baskets=Sum("baskets"))
            .order_by("-baskets", "product_a_id", "product_b_id")[:PAIRS_READ]
        )
        merged = {(r["product_a_id"], r["product_b_id"]): r["baskets"] for r in rows}
        for live in self.live.pairs if self.live else []:
            key = (live.product_a_id, live.product_b_id)
            merged[key] = merged.get(key, 0) + live.baskets
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"a": a, "b": b, "baskets": n} for (a, b), n in ranked]

    def product_names(self, ids) -> dict[int, tuple[str, str]]:
        return {p[0]: (p[1], p[2]) for p in Product.objects.filter(id__in=set(ids)).values_list("id", "code", "name")}

    @cached_property
    def batteries(self) -> list[dict]:
        """Per cart: cycles in the range, cycles since new, capacity left at the end of the range."""
        rows = (
            CartBatteryDay.objects.filter(**self._stored)
            .values("cart_id")
            .annotate(cycles=Sum("cycles"), cycles_total=Max("cycles_total"), capacity=Min("capacity_pct"))
        )
        merged = {r["cart_id"]: dict(r) for r in rows}
        for live in self.live.batteries if self.live else []:
            row = merged.setdefault(live.cart_id, {"cart_id": live.cart_id, "cycles": 0.0})
            row.update(cycles=row["cycles"] + live.cycles, cycles_total=live.cycles_total,
                       capacity=live.capacity_pct)
        names = dict(Cart.objects.filter(id__in=merged).values_list("id", "device_id"))
        for row in merged.values():
            row["device_id"] = names.get(row["cart_id"], "?")
        return sorted(merged.values(), key=lambda r: (r["capacity"], r["device_id"]))

    def by_weekday_hour(self) -> list[list[int]]:
        grid = [[0] * 24 for _ in range(7)]
        for day in self.days:
            row = grid[day.day.weekday()]
            for hour, n in enumerate(day.by_hour or []):
                row[hour] += n
        return grid

    def histogram(self, name: str) -> list[int]:
        total: list[int] = []
        for day in self.days:
            total = add_into(total, getattr(day, name) or [])
        return total

