from __future__ import annotations

from .conftest import cart_message, ingest


def test_it_pages_a_carts_history_newest_first_within_a_time_range(fleet, staff_api):
    ingest(*[cart_message(seq=n, soc=100.0 - n) for n in range(10)])  # ts = T0 + n seconds

    url = "/api/v1/carts/cart-001/telemetry/?since=2026-11-22T10:00:02Z&until=2026-11-22T10:00:08Z&limit=4"
    first = staff_api.get(url).json()
    second = staff_api.get(first["next"]).json()

    assert [r["seq"] for r in first["results"]] == [7, 6, 5, 4]
    assert [r["seq"] for r in second["results"]] == [3, 2]
    assert second["next"] is None


def test_a_bad_time_range_is_a_400(fleet, staff_api):
    bad_date = staff_api.get("/api/v1/carts/cart-001/telemetry/?since=last-tuesday")
    backwards = staff_api.get("/api/v1/carts/cart-001/telemetry/?since=2026-11-23T00:00:00Z&until=2026-11-22T00:00:00Z")

    assert bad_date.status_code == 400 and "since" in bad_date.json()["fields"]
    assert backwards.status_code == 400 and "since must be before until" in str(backwards.json())
