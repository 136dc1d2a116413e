from __future__ import annotations

from onprem.shopping.models import ShoppingSession
from tests.conftest import free_port


def test_it_fails_with_a_sentence_and_reopens_the_basket(app, visit, settings, db):
    settings.CASHLESS_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    app.checkout(visit.id)
    payment = app.call("GET", f"/api/v1/shopper/sessions/{visit.id}/checkout/").json()

    assert payment["state"] == "failed"
    assert payment["failure_reason"] == (
        "the payment terminal cannot be reached: try again, or pay at the till"
    )
    assert ShoppingSession.objects.get(pk=visit.id).state == "active"
