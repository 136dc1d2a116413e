from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.catalog.services import ProductEntry, apply_products


def entry(code: str, *barcodes: str, price: str = "1.00", name: str = "") -> ProductEntry:
    return ProductEntry(
        code=code,
        name=name or f"Product {code}",
        price=Decimal(price),
        vat_rate=Decimal("6"),
        barcodes=barcodes,
    )


@pytest.fixture
def shelf(db) -> None:
    """Two products: A (two barcodes) and B (one)."""
    apply_products(
        entries=[entry("A", "5600000000011", "5600000000028"), entry("B", "5600000000035")]
    )
