"""Query parameters are checked against what the schema says: RFC 3339 times, true/false, given once."""

from __future__ import annotations

TELEMETRY = "/api/v1/carts/cart-001/telemetry/"


def test_since_and_until_must_be_rfc_3339_date_times(fleet, staff_api):
    for garbage in (
        "last-tuesday",
        "",
        "2026-11-22",
        "2026-11-22T10:00:00",
        "2026-02-30T10:00:00Z",
    ):
        response = staff_api.get(TELEMETRY, {"since": garbage})

        assert response.status_code == 400, garbage
        assert "is not an RFC 3339 date-time" in response.json()["fields"]["since"][0]


def test_an_rfc_3339_time_at_the_edge_of_the_calendar_is_a_window_not_a_500(fleet, staff_api):
    early = staff_api.get(TELEMETRY, {"since": "0001-01-01T00:00:00+01:00"})
    late = staff_api.get(TELEMETRY, {"until": "9999-12-31T23:59:59-01:00"})

    assert (early.status_code, late.status_code) == (200, 200)


def test_cart_flags_are_true_or_false_and_each_given_once(fleet, staff_api):
    maybe = staff_api.get("/api/v1/carts/?online=maybe")
    twice = staff_api.get("/api/v1/carts/?docked=true&docked=false")
    offline = staff_api.get("/api/v1/carts/?online=false")

    assert maybe.status_code == 400 and maybe.json()["fields"] == {
        "online": ["'maybe' is not true or false."]
    }
    assert twice.status_code == 400 and twice.json()["fields"] == {
        "docked": ["Give this parameter once."]
    }
    assert offline.status_code == 200 and len(offline.json()["results"]) == 3


def test_an_unknown_api_path_is_a_json_404(staff_api):
    response = staff_api.get("/api/v1/carts/cart-001/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "No API endpoint or object at this path.",
    }
