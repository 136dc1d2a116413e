from __future__ import annotations

from .conftest import bearer, help_url, named, send


def test_it_shows_the_shopper_who_is_coming_by_first_name_only(ada_session, ada_app, staff, anna):
    made = send(ada_app, help_url(ada_session), {"reason": "the scanner beeps"}).json()

    acked = send(staff, f"/api/v1/help-requests/{made['id']}/acknowledge/")

    assert acked.status_code == 200, acked.content
    assert acked.json()["state"] == "acknowledged" and acked.json()["acknowledged_by"] == "Anna"
    seen = ada_app.get(help_url(ada_session))
    mine = seen.json()["results"][0]
    assert mine["state"] == "acknowledged" and mine["acknowledged_at"]
    assert mine["acknowledged_by"] == "Anna"
    assert mine["status_text"] == "acknowledged by Anna"
    assert anna.username not in seen.content.decode() and anna.email not in seen.content.decode()


def test_it_keeps_the_first_staff_member_who_acknowledged(ada_session, ada_app, staff):
    made = send(ada_app, help_url(ada_session), {"reason": "the scanner beeps"}).json()
    send(staff, f"/api/v1/help-requests/{made['id']}/acknowledge/")
    bob = bearer(named("bob.m", "Bob", staff=True), "staff")

    again = send(bob, f"/api/v1/help-requests/{made['id']}/acknowledge/")

    assert again.status_code == 200 and again.json()["acknowledged_by"] == "Anna"


def test_it_refuses_to_acknowledge_a_resolved_request(ada_session, ada_app, staff):
    made = send(ada_app, help_url(ada_session), {"reason": "the scanner beeps"}).json()
    send(staff, f"/api/v1/help-requests/{made['id']}/resolve/")

    refused = send(staff, f"/api/v1/help-requests/{made['id']}/acknowledge/")

    assert refused.status_code == 409
    assert refused.json()["detail"] == "this help request is already resolved"
