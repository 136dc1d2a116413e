from __future__ import annotations

import re

import pytest

from onprem.shopping.models import ShoppingSession
from onprem.shopping.till import ALPHABET
from tests.onprem.auth.conftest import person
from tests.onprem.shopping.conftest import bearer

from .conftest import App


@pytest.fixture
def till(db, django_capture_on_commit_callbacks) -> App:
    """The store's till, a service account with an integration token."""
    return App(
        bearer(person("svc-till", groups=("integration",)), "integration"),
        django_capture_on_commit_callbacks,
    )


def test_it_gives_a_short_code_and_a_qr_payload(app, visit):
    payment = app.checkout(visit.id, "till").json()

    assert payment["state"] == "waiting_for_tag"
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", payment["till_code"])
    assert payment["till_qr"] == f"SMARTCART1:store-001:{payment['till_code']}:13.16"


def test_it_shows_the_till_the_amount_and_lines(app, visit, till):
    code = app.checkout(visit.id, "till").json()["till_code"]
    seen = till.call("GET", f"/api/v1/till/payments/{code.lower()}/")

    assert seen.status_code == 200
    assert (seen.json()["amount"], seen.json()["cart"]) == ("13.16", "cart-001")
    assert [(x["name"], x["total"]) for x in seen.json()["lines"]] == [
        ("Leite Mimosa 1 L", "1.78"),
        ("Vinho Serra Tinto", "4.99"),
        ("Banana da Madeira", "1.12"),
        ("Queijo da Serra", "5.27"),
    ]


def test_it_is_paid_once_when_the_till_confirms(app, visit, till, erp):
    code = app.checkout(visit.id, "till").json()["till_code"]
    first = till.call("POST", f"/api/v1/till/payments/{code}/paid/")
    again = till.call("POST", f"/api/v1/till/payments/{code}/paid/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["state"] == again.json()["state"] == "paid"
    payment = app.call("GET", f"/api/v1/shopper/sessions/{visit.id}/checkout/").json()
    assert payment["state"] == "paid" and payment["order"]
    assert ShoppingSession.objects.get(pk=visit.id).state == "paid"
    assert [order["total"] for order in erp.orders()] == ["13.16"]


def test_it_refuses_a_cancelled_payment_at_the_till(app, visit, till):
    code = app.checkout(visit.id, "till").json()["till_code"]
    assert (
        app.call("DELETE", f"/api/v1/shopper/sessions/{visit.id}/checkout/").json()["state"]
        == "cancelled"
    )

    paid = till.call("POST", f"/api/v1/till/payments/{code}/paid/")
    assert paid.status_code == 409
    assert paid.json()["detail"] == "this payment is cancelled: it cannot be paid"


def test_it_answers_404_for_an_unknown_code(till, db):
    assert till.call("GET", "/api/v1/till/payments/AAAAAA/").status_code == 404
    assert till.call("POST", "/api/v1/till/payments/AAAAAA/paid/").status_code == 404
