"""Scan-and-add is what every shopper does all the time: its queries are counted and few."""

from __future__ import annotations

from tests.onprem.shopping.conftest import COFFEE, MILK, WINE, scan

# token (1), session lookup (1), product with stock (1); then in one transaction: the
# session's version (1), the basket's lines (1), insert or update (1). Six statements; under
# pytest the transaction is a savepoint, and its SAVEPOINT and RELEASE count.
MOST = 6 + 2


def test_it_adds_a_new_product_in_a_handful_of_queries(
    shopper_client, session, django_assert_max_num_queries
):
    scan(shopper_client, session, MILK)

    with django_assert_max_num_queries(MOST):
        assert scan(shopper_client, session, WINE).status_code == 201


def test_it_merges_a_repeated_scan_in_as_many(
    shopper_client, session, django_assert_max_num_queries
):
    scan(shopper_client, session, MILK)

    with django_assert_max_num_queries(MOST):
        assert scan(shopper_client, session, MILK).status_code == 201


def test_it_does_not_grow_with_the_basket(shopper_client, session, django_assert_max_num_queries):
    for barcode in (MILK, WINE, COFFEE) * 5:
        scan(shopper_client, session, barcode)

    with django_assert_max_num_queries(MOST):
        assert scan(shopper_client, session, COFFEE).status_code == 201
