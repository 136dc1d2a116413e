from __future__ import annotations


def test_it_returns_the_same_payment_and_starts_one_job(app, visit, terminal):
    first = app.checkout(visit.id)
    second = app.checkout(visit.id)
    till = app.checkout(visit.id, "till")  # another method while one waits: still that one

    assert (first.status_code, second.status_code, till.status_code) == (202, 200, 200)
    assert first.json()["id"] == second.json()["id"] == till.json()["id"]
    assert len(terminal.jobs()) == 1


def test_it_returns_the_paid_payment_after_paying(app, visit, terminal):
    paying = app.checkout(visit.id).json()
    terminal.present(tagNr="04AA000000041", normalCredits="30")
    assert app.settled(visit.id)["state"] == "paid"

    again = app.checkout(visit.id)
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["state"]) == (paying["id"], "paid")
    assert len(terminal.jobs()) == 1
