from __future__ import annotations

from .conftest import assist_lights, help_url, send


def test_it_resolves_and_switches_the_light_off_after_the_last_request(ada_session, ada_app, staff):
    first = send(ada_app, help_url(ada_session), {"reason": "heavy crate"}).json()
    second = send(ada_app, help_url(ada_session), {"reason": "and the water"}).json()
    assert assist_lights("cart-001") == [True]

    send(staff, f"/api/v1/help-requests/{first['id']}/acknowledge/")
    done = send(staff, f"/api/v1/help-requests/{first['id']}/resolve/")

    assert done.status_code == 200 and done.json()["state"] == "resolved"
    assert done.json()["resolved_by"] == "Anna" and done.json()["resolved_at"]
    assert assist_lights("cart-001") == [True], "one request still waits: the light stays on"
    send(staff, f"/api/v1/help-requests/{second['id']}/resolve/")
    again = send(staff, f"/api/v1/help-requests/{second['id']}/resolve/")
    assert again.status_code == 200 and again.json()["state"] == "resolved"
    assert assist_lights("cart-001") == [True, False]
    states = [r["status_text"] for r in ada_app.get(help_url(ada_session)).json()["results"]]
    assert states == ["resolved", "resolved"]


def test_it_switches_the_light_on_again_for_a_new_request(ada_session, ada_app, staff):
    first = send(ada_app, help_url(ada_session), {"reason": "heavy crate"}).json()
    send(staff, f"/api/v1/help-requests/{first['id']}/resolve/")

    send(ada_app, help_url(ada_session), {"reason": "one more thing"})

    assert assist_lights("cart-001") == [True, False, True]
