from __future__ import annotations


def test_it_shows_staff_each_carts_pairing_code_and_whether_it_is_in_use(
    staff_client, session, cart, second_cart
):
    carts = {c["device_id"]: c for c in staff_client.get("/api/v1/carts/").json()["results"]}

    assert (carts["cart-001"]["pairing_code"], carts["cart-001"]["in_session"]) == (
        cart.pairing_code,
        True,
    )
    assert (carts["cart-002"]["pairing_code"], carts["cart-002"]["in_session"]) == (
        second_cart.pairing_code,
        False,
    )


def test_it_shows_one_cart_with_its_code(staff_client, cart):
    body = staff_client.get("/api/v1/carts/cart-001/").json()

    assert body["pairing_code"] == cart.pairing_code and len(body["pairing_code"]) == 8
