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

from . import months
from .buckets import add_into
from .dates import DateRange
from .models import (
    CartBatteryDay,
    ErpDailyOrders,
    PairDay,
    PairMonth,
    ProductDay,
    ProductMonth,
    StoreDay,
)
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
            figures = compute_day(self.today, batteries=False)
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

    def _pieces(self, month_model, day_model, keys: tuple[str, ...], sums: tuple[str, ...], limit=None):
        """Sums per key over the stored part of the range: whole months from the month table,
        the edge days from the day table (months.py says why)."""
        last = min(self.range.last, self.today - timedelta(days=1))
        if self.range.first > last:
            return []
        whole, spans = months.split(self.range.first, last)
        queries = [month_model.objects.filter(month__in=whole)] if whole else []
        queries += [day_model.objects.filter(day__gte=a, day__lte=b) for a, b in spans]
        rows = []
        for query in queries:
            grouped = query.values(*keys).annotate(**{f"{name}_sum": Sum(name) for name in sums})
            if limit:
                grouped = grouped.order_by(f"-{sums[0]}_sum", *keys)[:limit]
            rows += [{**{k: r[k] for k in keys}, **{n: r[f"{n}_sum"] for n in sums}} for r in grouped]
        return rows

    @cached_property
    def products(self) -> list[dict]:
        """Every product bought in the range, most baskets first."""
        live = self.live.products if self.live else []
        pieces = self._pieces(ProductMonth, ProductDay, ("product_id",), ("baskets", "quantity", "revenue"))
        pieces += [{"product_id": p.product_id, "baskets": p.baskets, "quantity": p.quantity,
                    "revenue": p.revenue} for p in live]
        merged: dict[int, dict] = {}
        for piece in pieces:
            row = merged.setdefault(piece["product_id"], {"product_id": piece["product_id"], "baskets": 0,
                                                          "quantity": 0, "revenue": 0})
            for name in ("baskets", "quantity", "revenue"):
                row[name] += piece[name]
        return sorted(merged.values(), key=lambda r: (-r["baskets"], r["product_id"]))

    @cached_property
    def pairs(self) -> list[dict]:
        keys = ("product_a_id", "product_b_id")
        pieces = self._pieces(PairMonth, PairDay, keys, ("baskets",), limit=PAIRS_READ)
        pieces += [{"product_a_id": p.product_a_id, "product_b_id": p.product_b_id, "baskets": p.baskets}
                   for p in (self.live.pairs if self.live else [])]
        merged: dict[tuple, int] = {}
        for piece in pieces:
            key = (piece["product_a_id"], piece["product_b_id"])
            merged[key] = merged.get(key, 0) + piece["baskets"]
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"a": a, "b": b, "baskets": n} for (a, b), n in ranked]

    def product_names(self, ids) -> dict[int, tuple[str, str]]:
        return {p[0]: (p[1], p[2]) for p in Product.objects.filter(id__in=set(ids)).values_list("id", "code", "name")}

    @cached_property
    def batteries(self) -> list[dict]:
        """Per cart: cycles in the range, cycles since new, capacity left at the end of the range
        (rolled-up days only: see rollups.compute_day)."""
        # The first and last row of each cart in the range say it all (cycles_total runs on):
        # four small queries on the (cart, day) index instead of summing a year of rows.
        stored = CartBatteryDay.objects.filter(**self._stored).values("cart_id")
        last = _rows_at(stored.annotate(at=Max("day")))
        first = _rows_at(stored.annotate(at=Min("day")))
        merged = {
            cart: {"cart_id": cart, "cycles": row.cycles_total - (first[cart].cycles_total - first[cart].cycles),
                   "cycles_total": row.cycles_total, "capacity": row.capacity_pct}
            for cart, row in last.items()
        }
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



def _rows_at(per_cart) -> dict[int, CartBatteryDay]:
    """The battery rows at the day each cart's grouped query names (`at`)."""
    wanted = {(r["cart_id"], r["at"]) for r in per_cart}
    if not wanted:
        return {}
    rows = CartBatteryDay.objects.filter(cart_id__in={c for c, _ in wanted}, day__in={d for _, d in wanted})
    return {r.cart_id: r for r in rows if (r.cart_id, r.day) in wanted}
