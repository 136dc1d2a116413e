from __future__ import annotations

from onprem.shopping.models import ShoppingSession


def url(visit) -> str:
    return f"/api/v1/shopper/sessions/{visit.id}/checkout/"


def test_it_cancels_on_the_terminal_and_reopens_the_basket(app, visit, terminal):
    app.checkout(visit.id)
    cancelled = app.call("DELETE", url(visit))

    assert cancelled.status_code == 202
    assert (cancelled.json()["state"], cancelled.json()["cancel_requested"]) == ("cancelled", True)
    assert [job["status"] for job in terminal.jobs()] == ["Cancelled"]
    assert ShoppingSession.objects.get(pk=visit.id).state == "active"


def test_it_is_paid_when_the_tag_paid_before_the_cancel(app, visit, terminal):
    app.checkout(visit.id)
    terminal.present(tagNr="04AA000000031", normalCredits="30")
    cancelled = app.call("DELETE", url(visit))

    assert (cancelled.status_code, cancelled.json()["state"]) == (202, "paid")
    assert ShoppingSession.objects.get(pk=visit.id).state == "paid"


def test_it_stays_waiting_until_a_slow_terminal_confirms(app, visit, terminal):
    terminal.configure(cancelDelaySeconds=0.5)
    app.checkout(visit.id)
    asked = app.call("DELETE", url(visit)).json()

    assert (asked["state"], asked["cancel_requested"]) == ("waiting_for_tag", True)
    assert app.settled(visit.id)["state"] == "cancelled"


def test_it_refuses_to_cancel_what_is_not_waiting(app, visit, terminal):
    assert app.call("DELETE", url(visit)).status_code == 404  # no payment yet
    app.checkout(visit.id)
    app.call("DELETE", url(visit))
    again = app.call("DELETE", url(visit))
    assert again.status_code == 409
    assert again.json()["detail"] == "this payment is already cancelled: nothing to cancel"
