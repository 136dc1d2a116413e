from __future__ import annotations

from onprem.shopping.models import BasketLine
from tests.onprem.shopping.conftest import MILK, scan


def test_it_adds_a_repeated_scan_to_the_same_line(shopper_client, session):
    first = scan(shopper_client, session, MILK).json()["line"]

    again = scan(shopper_client, session, MILK, 2).json()

    assert again["line"]["id"] == first["id"]
    assert (again["line"]["quantity"], again["line"]["total"]) == ("3.000", "2.67")
    assert again["totals"]["lines"] == 1
    assert BasketLine.objects.count() == 1


def test_it_refuses_more_than_99_of_a_product_and_keeps_the_line(shopper_client, session):
    scan(shopper_client, session, MILK, 60)

    response = scan(shopper_client, session, MILK, 40)

    assert response.status_code == 400
    assert response.json()["detail"] == "a basket line holds 1 to 99 units, not 100.000"
    assert BasketLine.objects.get().quantity == 60


def test_it_refuses_a_quantity_out_of_range_with_the_field(shopper_client, session):
    for quantity in (0, 100, -1, "2", 1.5, True):
        response = scan(shopper_client, session, MILK, quantity)
        assert response.status_code == 400, quantity
        assert "quantity" in response.json()["fields"], quantity
