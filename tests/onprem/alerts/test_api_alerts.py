"""The staff API: list (filters state, kind, device), read, acknowledge and resolve alerts,
with who and when; unknown ids are 404s, acknowledging a resolved alert is a 409 that says why."""

from __future__ import annotations

from .conftest import alerts, cart_body, ingest, send, status, telemetry

LIST = "/api/v1/alerts/"


def some_alerts() -> None:
    ingest(telemetry(cart_body("cart-001", seq=1, soc=10.0)), telemetry(cart_body("cart-002", seq=1, soc=10.0)),
           status("cart-003", "offline"))
    ingest(telemetry(cart_body("cart-002", seq=2, soc=90.0)))  # cart-002's battery alert clears


def test_it_lists_active_alerts_first_and_filters_them(fleet, staff):
    some_alerts()

    everything = staff.get(LIST).json()
    lows = staff.get(LIST, {"kind": "low_battery", "state": "open"}).json()
    of_cart = staff.get(LIST, {"device": "cart-003"}).json()

    assert everything["count"] == 3
    assert [(a["device_id"], a["state"]) for a in everything["results"]][-1] == ("cart-002", "resolved")
    assert [a["device_id"] for a in lows["results"]] == ["cart-001"]
    assert [(a["kind"], a["title"]) for a in of_cart["results"]] == [("offline", "cart-003 is offline")]


def test_a_bad_filter_is_a_400_that_names_it(fleet, staff):
    response = staff.get(LIST, {"state": "sleeping"})

    assert response.status_code == 400
    assert "state" in response.json()["detail"] or "state" in str(response.json())


def test_acknowledge_then_resolve_records_who_and_when(fleet, staff):
    some_alerts()
    alert = alerts("offline")[0]

    acked = send(staff, f"{LIST}{alert.pk}/acknowledge/")
    again = send(staff, f"{LIST}{alert.pk}/acknowledge/")
    resolved = send(staff, f"{LIST}{alert.pk}/resolve/")

    assert acked.status_code == again.status_code == resolved.status_code == 200
    assert (acked.json()["state"], acked.json()["acknowledged_by"]) == ("acknowledged", "Anna")
    assert again.json()["acknowledged_at"] == acked.json()["acknowledged_at"]
    body = resolved.json()
    assert (body["state"], body["resolved_by"], body["acknowledged_by"]) == ("resolved", "Anna", "Anna")
    assert body["resolved_at"] and staff.get(f"{LIST}{alert.pk}/").json() == body


def test_an_alert_cleared_by_itself_shows_nobody_resolved_it(fleet, staff):
    some_alerts()
    cleared = alerts("low_battery")[1]

    body = staff.get(f"{LIST}{cleared.pk}/").json()

    assert (body["state"], body["resolved_by"], bool(body["resolved_at"])) == ("resolved", None, True)


def test_acknowledging_a_resolved_alert_is_a_409_with_a_sentence(fleet, staff):
    some_alerts()
    cleared = alerts("low_battery")[1]

    response = send(staff, f"{LIST}{cleared.pk}/acknowledge/")

    assert response.status_code == 409
    assert response.json()["detail"] == "this alert is already resolved"


def test_unknown_ids_are_404s(fleet, staff):
    for path in ("999999/", "999999/acknowledge/", "999999/resolve/", "not-a-number/"):
        method = staff.get if path.count("/") == 1 else lambda p: send(staff, p)
        assert method(f"{LIST}{path}").status_code == 404, path
