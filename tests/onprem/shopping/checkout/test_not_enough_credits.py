from __future__ import annotations

from decimal import Decimal

from onprem.shopping.models import ShoppingSession

TAG = "04AA000000020"


def test_it_fails_with_the_terminals_reason(app, visit, terminal):
    app.checkout(visit.id)
    terminal.present(tagNr=TAG, normalCredits="1.50")
    payment = app.settled(visit.id)

    assert payment["state"] == "failed"
    assert payment["failure_reason"] == (
        f"not enough credits on nfc tag {TAG}: the cart costs 13.16, the tag holds 1.50"
    )
    assert terminal.credits(TAG) == Decimal("1.50")
    assert [job["status"] for job in terminal.jobs()] == ["Cancelled"]
    assert ShoppingSession.objects.get(pk=visit.id).state == "active"


def test_it_lets_the_shopper_pay_again_with_another_tag(app, visit, terminal):
    app.checkout(visit.id)
    terminal.present(tagNr=TAG, normalCredits="1.50")
    first = app.settled(visit.id)

    again = app.checkout(visit.id)
    assert again.status_code == 202 and again.json()["id"] != first["id"]
    terminal.present(tagNr="04AA000000021", normalCredits="100")
    assert app.settled(visit.id)["state"] == "paid"
