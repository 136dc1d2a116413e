"""The BI's own tables: one rollup row per store day (and per product, pair and cart per day).

Past days are read from these rows; today is computed live from the raw tables (rollups.py),
so a page over a year reads a few hundred rows instead of a million basket lines.
Histograms are JSON lists of counts, one per bucket of rollups.BUCKETS.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from onprem.catalog.models import Product
from onprem.fleet.models import Cart


class StoreDay(models.Model):
    """One store day of SmartCart use, as the nightly rollup computed it."""

    day = models.DateField(unique=True)
    sessions = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0, help_text="sessions started that day that ended paid")
    orders = models.PositiveIntegerField(default=0, help_text="SmartCart orders made that day")
    abandoned = models.PositiveIntegerField(default=0)
    help_requests = models.PositiveIntegerField(default=0)
    shoppers = models.PositiveIntegerField(default=0)
    returning = models.PositiveIntegerField(
        default=0, help_text="sessions by a shopper who had shopped before"
    )
    ended = models.PositiveIntegerField(default=0, help_text="sessions with an end time")
    duration_seconds = models.BigIntegerField(default=0, help_text="sum over ended sessions")
    items = models.PositiveIntegerField(default=0, help_text="basket lines of paid sessions")
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    interval_days = models.PositiveIntegerField(default=0, help_text="sum over returning sessions")
    by_hour = models.JSONField(default=list, help_text="sessions started per hour, 24 counts")
    duration_hist = models.JSONField(default=list)
    size_hist = models.JSONField(default=list)
    value_hist = models.JSONField(default=list)
    interval_hist = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        default_permissions = ("view",)
        # The one permission the BI pages ask for: user.has_perm("analytics.analytics").
        permissions = [("analytics", "Can see the BI pages and download their CSVs")]

    def __str__(self) -> str:
        return f"{self.day}: {self.sessions} sessions"


class ProductDay(models.Model):
    """How often a product was bought in paid SmartCart baskets on one day."""

    day = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    baskets = models.PositiveIntegerField()
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    revenue = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product"], name="product_day")]


class PairDay(models.Model):
    """Two products found in the same paid basket on one day (product_a_id < product_b_id).

    Only a day's most frequent pairs are kept (rollups.PAIRS_KEPT_PER_DAY): a year of every
    pair would be millions of rows, and the tail of rare pairs says nothing."""

    day = models.DateField()
    product_a = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    product_b = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    baskets = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "product_a", "product_b"], name="pair_day")
        ]


class CartBatteryDay(models.Model):
    """A cart's battery on one day: charge cycles used, and the capacity left after them."""

    day = models.DateField()
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="+")
    cycles = models.FloatField(help_text="full-charge equivalents discharged that day")
    cycles_total = models.FloatField(help_text="since the battery was new")
    capacity_pct = models.FloatField(help_text="estimated capacity left, % of design")
    min_soc = models.FloatField(null=True)
    max_temperature = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cart", "day"], name="cart_battery_day")]
        indexes = [models.Index(fields=["day", "cart"], name="battery_by_day")]


class ErpDailyOrders(models.Model):
    """All of the store's orders on one day, SmartCart's and the tills', as the ERP counts them.

    The denominator of adoption. The Presence API (seed 002) cannot list sales per day, so
    these rows come from the ERP's own daily report (admin or seed_history), not a sync."""

    day = models.DateField(unique=True)
    orders = models.PositiveIntegerField()
    source = models.CharField(max_length=32, default="manual")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name_plural = "ERP daily orders"

    def __str__(self) -> str:
        return f"{self.day}: {self.orders}"


class ProductMonth(models.Model):
    """ProductDay summed over a calendar month (`month` is its first day): a year's top
    products read twelve of these per product instead of 365 day rows."""

    month = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    baskets = models.PositiveIntegerField()
    quantity = models.DecimalField(max_digits=16, decimal_places=3)
    revenue = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "product"], name="product_month")]


class PairMonth(models.Model):
    """PairDay summed over a calendar month; the month's most frequent pairs only."""

    month = models.DateField()
    product_a = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    product_b = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    baskets = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "product_a", "product_b"], name="pair_month")
        ]
