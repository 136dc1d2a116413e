from __future__ import annotations

import pytest

from tests.onprem.auth.conftest import person
from tests.onprem.shopping.conftest import bearer

from .conftest import App


@pytest.fixture
def till(db, django_capture_on_commit_callbacks) -> App:
    return App(
        bearer(person("svc-till", groups=("integration",)), "integration"),
        django_capture_on_commit_callbacks,
    )


def pay_at_till(app, till, visit) -> dict:
    code = app.checkout(visit.id, "till").json()["till_code"]
    till.call("POST", f"/api/v1/till/payments/{code}/paid/")
    return app.call("GET", f"/api/v1/shopper/sessions/{visit.id}/checkout/").json()


def test_it_lists_the_shoppers_receipts_with_lines_vat_and_invoice(app, visit, till, erp):
    payment = pay_at_till(app, till, visit)
    listed = app.call("GET", "/api/v1/shopper/orders/").json()

    [receipt] = listed["results"]
    assert receipt["id"] == payment["order"] and receipt["method"] == "till"
    assert receipt["total"] == "13.16"
    assert sum(float(share["gross"]) for share in receipt["vat"]) == pytest.approx(13.16)
    assert [line["quantity"] for line in receipt["lines"]] == ["2.000", "1.000", "0.754", "1.000"]
    assert receipt["invoice_number"] and receipt["erp_state"] == "posted"


def test_it_hides_the_receipt_from_another_shopper(app, visit, till, erp, other_client):
    order_id = pay_at_till(app, till, visit)["order"]

    assert other_client.get("/api/v1/shopper/orders/").json()["results"] == []
    theirs = other_client.get(f"/api/v1/shopper/orders/{order_id}/")
    assert theirs.status_code == 404
    assert (
        theirs.json()
        == other_client.get("/api/v1/shopper/orders/00000000-0000-4000-8000-000000000000/").json()
    )
