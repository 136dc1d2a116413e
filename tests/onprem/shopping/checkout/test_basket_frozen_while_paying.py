from __future__ import annotations

from onprem.shopping import checkout
from onprem.shopping.models import Order, Payment
from tests.onprem.shopping.conftest import COFFEE


def items(visit) -> str:
    return f"/api/v1/shopper/sessions/{visit.id}/items/"


def test_it_refuses_basket_changes_while_paying(app, visit, terminal):
    app.checkout(visit.id)
    added = app.call("POST", items(visit), {"barcode": COFFEE})

    assert added.status_code == 409
    assert added.json()["detail"] == "the basket is frozen while paying"
    assert app.call("GET", f"/api/v1/shopper/sessions/{visit.id}/").json()["state"] == "paying"


def test_it_takes_changes_again_after_a_cancel_and_charges_the_new_total(app, visit, terminal):
    app.checkout(visit.id)
    app.call("DELETE", f"/api/v1/shopper/sessions/{visit.id}/checkout/")
    assert app.call("POST", items(visit), {"barcode": COFFEE}).status_code == 201

    again = app.checkout(visit.id).json()
    assert again["amount"] == "16.65"  # 13.16 + 3.49
    assert again["basket_version"] == Payment.objects.get(pk=again["id"]).session.basket_version


def test_it_starts_no_job_for_a_basket_that_changed_before_the_terminal(
    visit, terminal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as hooks:  # the start task is queued, not run yet
        payment, _ = checkout.start_checkout(session=visit, method="cashless")
    bump_basket_version(visit)  # a change that slipped past the freeze (none can via the API)
    for hook in hooks:
        hook()

    payment.refresh_from_db()
    assert (payment.state, payment.failure_reason) == ("failed", checkout.BASKET_CHANGED)
    assert terminal.jobs() == []


def test_it_makes_no_order_when_the_basket_changed_after_the_charge(app, visit, terminal):
    started = app.checkout(visit.id).json()
    bump_basket_version(visit)
    terminal.present(tagNr="04AA000000051", normalCredits="50")
    payment = app.settled(visit.id)

    assert payment["id"] == started["id"]
    assert (payment["state"], payment["order"]) == ("failed", None)
    assert payment["failure_reason"].startswith("the basket changed after payment started")
    assert "staff will refund it" in payment["failure_reason"]
    assert not Order.objects.exists()


def bump_basket_version(visit) -> None:
    type(visit).objects.filter(pk=visit.pk).update(basket_version=visit.basket_version + 1)
