from __future__ import annotations

from onprem.shopping.barcodes import weighed_barcode
from tests.onprem.shopping.conftest import BANANAS_PREFIX, CHEESE_PREFIX, scan


def line_of(response) -> dict:
    assert response.status_code == 201, response.json()
    return {k: v for k, v in response.json()["line"].items() if k != "id"}


def test_it_prices_a_weight_label_by_the_kilogram(shopper_client, session):
    label = weighed_barcode(BANANAS_PREFIX, 754)

    assert line_of(scan(shopper_client, session, label)) == {
        "barcode": label,
        "product_code": "P00005",
        "name": "Banana da Madeira",
        "unit": "kg",
        "unit_price": "1.49",
        "vat_rate": "6.00",
        "quantity": "0.754",
        "total": "1.12",
        "weighed": True,
    }


def test_it_rounds_a_weighed_total_half_up_to_the_cent(shopper_client, session):
    # 0.500 kg × 1.49 = 0.745: half up makes 0.75 (banker's rounding would say 0.74).
    line = line_of(scan(shopper_client, session, weighed_barcode(BANANAS_PREFIX, 500)))

    assert (line["quantity"], line["total"]) == ("0.500", "0.75")


def test_it_takes_the_price_printed_on_a_price_label(shopper_client, session):
    label = weighed_barcode(CHEESE_PREFIX, 1234)

    assert line_of(scan(shopper_client, session, label)) == {
        "barcode": label,
        "product_code": "P00006",
        "name": "Queijo da Serra",
        "unit": "un",
        "unit_price": "12.34",
        "vat_rate": "6.00",
        "quantity": "1.000",
        "total": "12.34",
        "weighed": True,
    }


def test_it_keeps_each_label_on_a_line_of_its_own(shopper_client, session):
    label = weighed_barcode(BANANAS_PREFIX, 754)

    first = scan(shopper_client, session, label).json()["line"]["id"]
    second = scan(shopper_client, session, label).json()

    assert second["line"]["id"] != first
    assert second["totals"]["lines"] == 2 and second["totals"]["total"] == "2.24"


def test_it_refuses_a_label_with_a_wrong_check_digit(shopper_client, session):
    good = weighed_barcode(BANANAS_PREFIX, 754)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)

    response = scan(shopper_client, session, bad)

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"barcode {bad} has a wrong check digit: it was misread or mistyped"
    )


def test_it_refuses_a_label_that_weighs_nothing(shopper_client, session):
    response = scan(shopper_client, session, weighed_barcode(BANANAS_PREFIX, 0))

    assert response.status_code == 400
    assert "weight of zero" in response.json()["detail"]


def test_it_refuses_a_quantity_for_a_weighed_item(shopper_client, session):
    response = scan(shopper_client, session, weighed_barcode(BANANAS_PREFIX, 754), 2)

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "a weighed item's quantity is printed on its label: send quantity 1"
    )


def test_it_answers_404_for_a_label_of_an_item_the_catalog_lacks(shopper_client, session):
    label = weighed_barcode("2199999", 754)

    response = scan(shopper_client, session, label)

    assert response.status_code == 404
    assert response.json()["detail"] == f"no product in this store has barcode {label}"


def test_it_refuses_a_product_sold_by_weight_scanned_without_a_label(
    shopper_client, session, catalog
):
    from onprem.catalog.models import Barcode

    Barcode.objects.create(code="5601234000504", product=catalog["bananas"])

    response = scan(shopper_client, session, "5601234000504")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Banana da Madeira is sold by weight: weigh it on the store's scale and scan its label"
    )
