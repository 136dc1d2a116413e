from __future__ import annotations

from tests.onprem.shopping.conftest import CHOCOLATE, MILK, WINE, scan


def test_it_adds_a_product_out_of_stock_with_a_warning(shopper_client, session):
    response = scan(shopper_client, session, CHOCOLATE)

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "Chocolate Planalto is out of stock according to the store's system"
    ]
    assert response.json()["totals"]["total"] == "1.99"


def test_it_warns_when_the_basket_holds_more_than_the_stock(shopper_client, session):
    assert scan(shopper_client, session, WINE, 12).json()["warnings"] == []

    response = scan(shopper_client, session, WINE)

    assert response.json()["warnings"] == [
        "Vinho Serra Tinto is out of stock according to the store's system"
    ]


def test_it_does_not_warn_when_there_is_stock(shopper_client, session):
    assert scan(shopper_client, session, MILK, 2).json()["warnings"] == []
