from __future__ import annotations

from .conftest import cart_message, ingest, token_client


def test_it_lists_carts_with_latest_battery_health_dock_and_online(fleet, staff_api):
    ingest(cart_message("cart-002", seq=1, soc=64.0, dock={"rack": "rack-01", "slot": 3}))

    response = staff_api.get("/api/v1/carts/")

    assert response.status_code == 200
    carts = {c["device_id"]: c for c in response.json()["results"]}
    assert set(carts) == {"cart-001", "cart-002", "cart-003"}
    assert carts["cart-002"]["battery"] == {"soc": 64.0, "voltage": 25.2, "temperature": 28.5, "charging": True}
    assert carts["cart-002"]["dock"] == {"rack": "rack-01", "slot": 3}
    assert carts["cart-002"]["online"] is True
    assert carts["cart-001"]["battery"] is None and carts["cart-001"]["online"] is False


def test_the_cart_list_costs_the_same_queries_for_any_fleet_size(fleet, staff_api, django_assert_num_queries):
    for n in (1, 2, 3):
        ingest(cart_message(f"cart-00{n}", seq=1, dock={"rack": "rack-01", "slot": n}))
    # token + count + page
    with django_assert_num_queries(3):
        staff_api.get("/api/v1/carts/")


def test_it_filters_carts(fleet, staff_api):
    ingest(cart_message("cart-001", seq=1, soc=10.0), cart_message("cart-003", seq=1, health="fault", faults=["MOTOR_STALL"]))

    low = staff_api.get("/api/v1/carts/?low_battery=true").json()["results"]
    faulty = staff_api.get("/api/v1/carts/?health=fault").json()["results"]

    assert [c["device_id"] for c in low] == ["cart-001"]
    assert [c["device_id"] for c in faulty] == ["cart-003"]


def test_a_bad_filter_is_a_400_that_says_why(fleet, staff_api):
    response = staff_api.get("/api/v1/carts/?health=sleepy")

    assert response.status_code == 400
    assert "'sleepy' is not one of" in str(response.json()["fields"]["health"])


def test_it_needs_a_token_with_a_fleet_scope(fleet, client):
    anonymous = client.get("/api/v1/carts/")
    shopper = token_client("sam", ["shopper"], staff=False).get("/api/v1/carts/")

    assert anonymous.status_code == 401
    assert shopper.status_code == 403
    assert "needs one of staff, ops" in shopper.json()["detail"]


def test_an_unknown_cart_is_a_404(fleet, staff_api):
    assert staff_api.get("/api/v1/carts/cart-404/").status_code == 404
