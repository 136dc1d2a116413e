from __future__ import annotations

import time


def test_it_answers_before_any_tag_is_presented(app, visit, terminal):
    began = time.monotonic()
    started = app.checkout(visit.id)
    took = time.monotonic() - began

    assert started.status_code == 202
    assert took < 2.0, f"the checkout request took {took:.1f}s"
    assert app.call("GET", f"/api/v1/shopper/sessions/{visit.id}/checkout/").json()["state"] == (
        "waiting_for_tag"
    )
    assert [job["status"] for job in terminal.jobs()] == ["Pending"]  # started, not waited on


def test_it_settles_once_a_tag_comes_later(app, visit, terminal):
    app.checkout(visit.id)
    time.sleep(0.6)
    assert app.settled(visit.id, within=0.3)["state"] == "waiting_for_tag"

    terminal.present(tagNr="04AA000000778", normalCredits="20")
    assert app.settled(visit.id)["state"] == "paid"
