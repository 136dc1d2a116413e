from __future__ import annotations

from onprem.catalog.models import Barcode, PriceChange, Product
from onprem.catalog.services import apply_products, deactivate_missing

from .conftest import entry


def barcodes() -> dict[str, str]:
    return dict(Barcode.objects.values_list("code", "product__code"))


def test_it_leaves_unchanged_products_untouched(shelf):
    stamps = dict(Product.objects.values_list("code", "synced_at"))
    changes = apply_products(
        entries=[entry("A", "5600000000011", "5600000000028"), entry("B", "5600000000035")]
    )
    assert (changes.created, changes.updated, changes.unchanged) == (0, 0, 2)
    assert dict(Product.objects.values_list("code", "synced_at")) == stamps


def test_it_moves_a_barcode_the_erp_gave_to_another_product(shelf):
    changes = apply_products(entries=[entry("B", "5600000000035", "5600000000028")])
    assert barcodes() == {"5600000000011": "A", "5600000000028": "B", "5600000000035": "B"}
    assert changes.updated == 2  # B gained it, A lost it


def test_it_records_each_price_that_moves(shelf):
    apply_products(entries=[entry("A", "5600000000011", "5600000000028", price="1.25")])
    change = PriceChange.objects.get()
    assert (change.product.code, str(change.old_price), str(change.new_price)) == (
        "A",
        "1.00",
        "1.25",
    )


def test_it_withdraws_products_a_full_listing_no_longer_has(shelf):
    assert deactivate_missing(seen_codes={"A"}) == 1
    assert dict(Product.objects.values_list("code", "active")) == {"A": True, "B": False}
