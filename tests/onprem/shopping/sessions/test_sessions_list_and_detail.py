from __future__ import annotations

from onprem.shopping.sessions import end_session, pair_cart
from tests.onprem.shopping.conftest import MILK, scan


def test_it_lists_the_shoppers_own_sessions_newest_first(
    shopper_client, shopper, other_shopper, cart, second_cart, catalog
):
    first = pair_cart(shopper=shopper, cart_code=cart.pairing_code)
    end_session(session=first, state="abandoned", reason="ended by the shopper")
    second = pair_cart(shopper=shopper, cart_code=second_cart.pairing_code)
    pair_cart(shopper=other_shopper, cart_code=cart.pairing_code)

    body = shopper_client.get("/api/v1/shopper/sessions/").json()

    assert body["count"] == 2
    assert [s["id"] for s in body["results"]] == [str(second.pk), str(first.pk)]


def test_it_shows_the_basket_and_totals_of_a_session(shopper_client, session):
    scan(shopper_client, session, MILK, 2)

    body = shopper_client.get(f"/api/v1/shopper/sessions/{session.pk}/").json()

    assert [(line["product_code"], line["quantity"], line["total"]) for line in body["lines"]] == [
        ("P00001", "2.000", "1.78")
    ]
    assert body["totals"]["total"] == "1.78"
    assert body["basket_version"] == 1


def test_it_lists_in_a_bounded_number_of_queries(
    shopper_client, shopper, cart, catalog, django_assert_max_num_queries
):
    from tests.onprem.shopping.conftest import ready_cart

    for n in range(5):
        paired = pair_cart(shopper=shopper, cart_code=ready_cart(f"cart-1{n:02d}").pairing_code)
        scan(shopper_client, paired, MILK)
        end_session(session=paired, state="abandoned", reason="ended by the shopper")

    with django_assert_max_num_queries(10):
        body = shopper_client.get("/api/v1/shopper/sessions/").json()

    assert body["count"] == 5


def test_it_caps_the_page_size(shopper_client, session):
    response = shopper_client.get("/api/v1/shopper/sessions/?limit=100000")

    assert response.status_code == 200
    assert response.json()["count"] == 1
