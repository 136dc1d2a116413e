"""Who may call the checkout, receipt and till endpoints: shoppers their own, tills theirs."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.onprem.auth.conftest import person
from tests.onprem.shopping.conftest import bearer


@pytest.fixture
def tokens(shopper, staff_user, db) -> dict[str, Client]:
    return {
        "staff": bearer(staff_user, "staff"),
        "ops": bearer(person("olga", groups=("ops",)), "ops"),
        "integration": bearer(person("svc-till", groups=("integration",)), "integration"),
        "device": bearer(person("svc-dev", groups=("device",)), "device"),
        "shopper": bearer(shopper, "shopper"),
    }


def shopper_calls(visit) -> list[tuple[str, str]]:
    checkout = f"/api/v1/shopper/sessions/{visit.id}/checkout/"
    return [
        ("post", checkout),
        ("get", checkout),
        ("delete", checkout),
        ("get", "/api/v1/shopper/orders/"),
        ("get", f"/api/v1/shopper/orders/{uuid.uuid4()}/"),
    ]


TILL_CALLS = [
    ("get", "/api/v1/till/payments/AAAAAA/"),
    ("post", "/api/v1/till/payments/AAAAAA/paid/"),
]


@pytest.mark.parametrize("who", ["staff", "ops", "integration", "device"])
def test_it_lets_only_shopper_tokens_check_out(tokens, visit, who):
    for method, path in shopper_calls(visit):
        response = getattr(tokens[who], method)(path, content_type="application/json")
        assert response.status_code == 403, (who, method, path)


@pytest.mark.parametrize("who", ["staff", "ops", "shopper", "device"])
def test_it_lets_only_integration_tokens_use_the_till_endpoints(tokens, db, who):
    for method, path in TILL_CALLS:
        response = getattr(tokens[who], method)(path, content_type="application/json")
        assert response.status_code == 403, (who, method, path)


def test_it_wants_a_token(visit, db):
    for method, path in shopper_calls(visit) + TILL_CALLS:
        response = getattr(Client(), method)(path, content_type="application/json")
        assert response.status_code == 401, (method, path)


def test_it_hides_another_shoppers_checkout_and_orders(app, visit, terminal, other_client):
    app.checkout(visit.id, "till")
    order_free = [
        other_client.post(
            f"/api/v1/shopper/sessions/{visit.id}/checkout/",
            {"method": "cashless"},
            content_type="application/json",
        ),
        other_client.get(f"/api/v1/shopper/sessions/{visit.id}/checkout/"),
        other_client.delete(f"/api/v1/shopper/sessions/{visit.id}/checkout/"),
    ]
    assert [r.status_code for r in order_free] == [404, 404, 404]
    assert (
        order_free[0].json()
        == other_client.get(f"/api/v1/shopper/sessions/{uuid.uuid4()}/checkout/").json()
    )
