"""Verbs of the catalog: apply what the ERP says about products and stock, look a scan up.

The ERP connector calls `apply_products` / `apply_stock_levels` a page at a time; a page is
one transaction, and a row is written only when something in it changed, so an incremental
sync that re-reads a product it already has touches nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Barcode, PriceChange, Product, StockLevel

log = logging.getLogger(__name__)
PRODUCT_FIELDS = ("name", "unit", "price", "vat_rate", "active", "erp_updated_at")


@dataclass(frozen=True)
class ProductEntry:
    """One product as the ERP describes it, already in our names and types."""

    code: str
    name: str
    price: Decimal
    vat_rate: Decimal
    unit: str = "un"
    active: bool = True
    barcodes: tuple[str, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class StockEntry:
    code: str
    quantity: Decimal
    updated_at: datetime | None = None


@dataclass
class CatalogChanges:
    """What one apply did; `skipped` names rows that could not be applied and why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def add(self, other: CatalogChanges) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped


def find_by_barcode(*, code: str) -> Product | None:
    """The product a scanned barcode names: one indexed query (barcode joined to product)."""
    barcode = Barcode.objects.select_related("product").filter(code=code).first()
    return barcode.product if barcode else None


def apply_products(*, entries: list[ProductEntry]) -> CatalogChanges:
    """Create or update products (and their barcodes and price history) from ERP entries."""
    by_code = {e.code: e for e in entries}  # a code repeated in one page: the last one wins
    changes = CatalogChanges()
    with transaction.atomic():
        existing = {p.code: p for p in Product.objects.filter(code__in=by_code)}
        fresh = _create_products([e for c, e in by_code.items() if c not in existing])
        updated = _update_products([(existing[c], e) for c, e in by_code.items() if c in existing])
        updated = (updated | _sync_barcodes({**existing, **fresh}, by_code)) - set(fresh)
    changes.created, changes.updated = len(fresh), len(updated)
    changes.unchanged = len(by_code) - len(fresh) - len(updated & by_code.keys())
    return changes


def _create_products(entries: list[ProductEntry]) -> dict[str, Product]:
    if not entries:
        return {}
    Product.objects.bulk_create(
        Product(
            code=e.code,
            name=e.name,
            unit=e.unit,
            price=e.price,
            vat_rate=e.vat_rate,
            active=e.active,
            erp_updated_at=e.updated_at,
        )
        for e in entries
    )
    return {p.code: p for p in Product.objects.filter(code__in=[e.code for e in entries])}


def _update_products(pairs: list[tuple[Product, ProductEntry]]) -> set[str]:
    """Write only products whose fields differ; record each price that moved."""
    changed, price_moves = [], []
    for product, entry in pairs:
        wanted = {
            "name": entry.name,
            "unit": entry.unit,
            "price": entry.price,
            "vat_rate": entry.vat_rate,
            "active": entry.active,
            "erp_updated_at": entry.updated_at or product.erp_updated_at,
        }
        if all(getattr(product, k) == v for k, v in wanted.items() if k != "erp_updated_at"):
            continue
        if product.price != entry.price:
            price_moves.append(
                PriceChange(product=product, old_price=product.price, new_price=entry.price)
            )
        for name, value in wanted.items():
            setattr(product, name, value)
        product.synced_at = timezone.now()
        changed.append(product)
    Product.objects.bulk_update(changed, [*PRODUCT_FIELDS, "synced_at"])
    PriceChange.objects.bulk_create(price_moves)
    return {p.code for p in changed}


def _sync_barcodes(products: dict[str, Product], entries: dict[str, ProductEntry]) -> set[str]:
    """Make each product's barcodes what the ERP says; a barcode may move between products.

    Returns the codes of products whose barcodes changed.
    """
    wanted = {bc: products[code] for code, e in entries.items() for bc in e.barcodes}
    page_ids = [p.pk for p in products.values()]
    current = list(
        Barcode.objects.filter(Q(code__in=wanted) | Q(product_id__in=page_ids)).select_related(
            "product"
        )
    )
    touched, stale, moved = set(), [], []
    for barcode in current:
        target = wanted.get(barcode.code)
        if target is None:  # on one of this page's products, but the ERP dropped it
            stale.append(barcode.pk)
            touched.add(barcode.product.code)
        elif barcode.product_id != target.pk:
            touched |= {barcode.product.code, target.code}
            barcode.product = target
            moved.append(barcode)
    Barcode.objects.filter(pk__in=stale).delete()
    Barcode.objects.bulk_update(moved, ["product"])
    known = {b.code for b in current}
    new = [Barcode(code=code, product=p) for code, p in wanted.items() if code not in known]
    Barcode.objects.bulk_create(new)
    return touched | {b.product.code for b in new}


def apply_stock_levels(*, entries: list[StockEntry]) -> CatalogChanges:
    """Set stock levels from ERP entries; a level for a product we do not have is skipped."""
    by_code = {e.code: e for e in entries}
    changes = CatalogChanges()
    with transaction.atomic():
        products = dict(Product.objects.filter(code__in=by_code).values_list("code", "pk"))
        changes.skipped = [
            f"{code}: no such product in the catalog" for code in by_code if code not in products
        ]
        levels = {
            s.product_id: s for s in StockLevel.objects.filter(product_id__in=products.values())
        }
        new, moved = [], []
        for code, pk in products.items():
            entry, level = by_code[code], levels.get(pk)
            if level is None:
                new.append(
                    StockLevel(
                        product_id=pk, quantity=entry.quantity, erp_updated_at=entry.updated_at
                    )
                )
            elif level.quantity != entry.quantity:
                level.quantity, level.erp_updated_at, level.synced_at = (
                    entry.quantity,
                    entry.updated_at,
                    timezone.now(),
                )
                moved.append(level)
        StockLevel.objects.bulk_create(new)
        StockLevel.objects.bulk_update(moved, ["quantity", "erp_updated_at", "synced_at"])
    changes.created, changes.updated = len(new), len(moved)
    changes.unchanged = len(products) - len(new) - len(moved)
    return changes


def deactivate_missing(*, seen_codes: set[str]) -> int:
    """After a full sync: products the ERP no longer lists are withdrawn from sale."""
    with transaction.atomic():
        count = (
            Product.objects.filter(active=True)
            .exclude(code__in=seen_codes)
            .update(active=False, synced_at=timezone.now())
        )
    if count:
        log.info("catalog deactivated=%d products missing from the ERP", count)
    return count
