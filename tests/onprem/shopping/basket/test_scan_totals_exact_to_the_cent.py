from __future__ import annotations

from onprem.shopping.barcodes import weighed_barcode
from tests.onprem.shopping.conftest import BANANAS_PREFIX, CHEESE_PREFIX, COFFEE, MILK, WINE, scan


def test_it_totals_the_basket_with_the_vat_of_each_rate(shopper_client, session):
    scan(shopper_client, session, MILK, 3)  # 3 × 0.89 = 2.67 at 6 %
    scan(shopper_client, session, WINE)  # 4.99 at 13 %
    scan(shopper_client, session, COFFEE, 2)  # 2 × 3.49 = 6.98 at 23 %
    scan(shopper_client, session, weighed_barcode(BANANAS_PREFIX, 754))  # 0.754 kg × 1.49 = 1.12
    last = scan(shopper_client, session, weighed_barcode(CHEESE_PREFIX, 1234))  # 12.34 at 6 %

    assert last.status_code == 201
    assert last.json()["totals"] == {
        "lines": 5,
        "items": "7.754",
        "total": "28.10",
        "vat": [
            {"rate": "6.00", "net": "15.22", "vat": "0.91", "gross": "16.13"},
            {"rate": "13.00", "net": "4.42", "vat": "0.57", "gross": "4.99"},
            {"rate": "23.00", "net": "5.67", "vat": "1.31", "gross": "6.98"},
        ],
    }
    shown = shopper_client.get(f"/api/v1/shopper/sessions/{session.pk}/").json()
    assert shown["totals"] == last.json()["totals"]


def test_it_answers_the_line_it_added(shopper_client, session):
    body = scan(shopper_client, session, WINE, 2).json()

    line = body["line"]
    del line["id"]
    assert line == {
        "barcode": WINE,
        "product_code": "P00002",
        "name": "Vinho Serra Tinto",
        "unit": "un",
        "unit_price": "4.99",
        "vat_rate": "13.00",
        "quantity": "2.000",
        "total": "9.98",
        "weighed": False,
    }
    assert body["warnings"] == []
