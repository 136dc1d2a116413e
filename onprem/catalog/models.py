"""The store's catalog as synced from the ERP: what a cart scan looks up.

The ERP owns these rows; SmartCart only mirrors them (onprem.integrations.erp syncs them).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models


class Product(models.Model):
    code = models.CharField(max_length=64, unique=True, help_text="the ERP's product code")
    name = models.CharField(max_length=200)
    unit = models.CharField(
        max_length=8, default="un", help_text="un (each) or kg (sold by weight)"
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="shelf price, VAT included"
    )
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    active = models.BooleanField(default=True)
    erp_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.price is not None and self.price < 0:
            raise ValidationError({"price": "a price cannot be negative"})
        if self.vat_rate is not None and not Decimal("0") <= self.vat_rate <= Decimal("100"):
            raise ValidationError({"vat_rate": "a VAT rate is a percentage from 0 to 100"})


class Barcode(models.Model):
    # unique=True is the index a scan uses: one indexed lookup joined to its product.
    code = models.CharField(max_length=14, unique=True)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")

    def __str__(self) -> str:
        return self.code


class PriceChange(models.Model):
    """Every price the sync moved, for the BI and for answering 'what did it cost then'."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes")
    old_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    new_price = models.DecimalField(max_digits=12, decimal_places=2)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]


class StockLevel(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="stock")
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="units, or kg for weighed goods"
    )
    erp_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.product_id}: {self.quantity}"
