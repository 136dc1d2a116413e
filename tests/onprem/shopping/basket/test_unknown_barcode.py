from __future__ import annotations

from onprem.catalog.models import Product
from onprem.shopping.barcodes import with_check_digit
from tests.onprem.shopping.conftest import MILK, scan


def test_it_answers_404_with_a_sentence_for_a_barcode_no_product_has(shopper_client, session):
    unknown = with_check_digit("560123499999")

    response = scan(shopper_client, session, unknown)

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": f"no product in this store has barcode {unknown}",
    }


def test_it_answers_400_for_a_barcode_with_a_wrong_check_digit(shopper_client, session):
    wrong = MILK[:-1] + str((int(MILK[-1]) + 1) % 10)

    response = scan(shopper_client, session, wrong)

    assert response.status_code == 400
    assert "wrong check digit" in response.json()["detail"]


def test_it_answers_404_for_a_product_withdrawn_from_sale(shopper_client, session, catalog):
    Product.objects.filter(pk=catalog["milk"].pk).update(active=False)

    response = scan(shopper_client, session, MILK)

    assert response.status_code == 404
    assert response.json()["detail"] == (
        f"Leite Mimosa 1 L (barcode {MILK}) is no longer sold here"
    )


def test_it_refuses_a_barcode_that_is_not_digits(shopper_client, session):
    for barcode in ("", "56012340000x", "1" * 15, 5601234000016, None):
        response = scan(shopper_client, session, barcode)
        assert response.status_code == 400, barcode
        assert "barcode" in response.json()["fields"], barcode
