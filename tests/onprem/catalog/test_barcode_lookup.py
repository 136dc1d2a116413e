from __future__ import annotations

from onprem.catalog.services import find_by_barcode


def test_it_finds_a_product_by_any_of_its_barcodes_in_one_query(shelf, django_assert_num_queries):
    with django_assert_num_queries(1):
        product = find_by_barcode(code="5600000000028")
        assert (product.code, product.name) == ("A", "Product A")


def test_it_finds_nothing_for_an_unknown_barcode(shelf):
    assert find_by_barcode(code="4006381333931") is None
