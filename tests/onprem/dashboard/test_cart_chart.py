"""The cart page's chart data: averaged per bucket in the database, at most 300 points, for
the ranges the page offers; a bad range is a 400, an unknown cart a 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onprem.fleet.models import CartReading


def readings(device: str, *, every: timedelta, count: int, soc=lambda i: 50.0) -> None:
    now = timezone.now()
    CartReading.objects.bulk_create([
        CartReading(device_id=device, boot_id="b", seq=i, ts=now - every * i, received_at=now, soc=soc(i),
                    voltage=25.0, temperature=20.0 + (i % 2), charging=False, health="ok", firmware="1.0.0")
        for i in range(count)
    ])


def test_it_averages_a_day_of_readings_into_five_minute_points(store, staff_client):
    readings("cart-001", every=timedelta(seconds=30), count=2 * 60 * 24)  # a reading every 30 s

    series = staff_client.get("/dashboard/carts/cart-001/history.json?range=24h").json()

    assert series["bucket_s"] == 300
    assert 288 <= len(series["points"]) <= 290
    assert {p["soc"] for p in series["points"]} == {50.0}
    assert all(20.0 <= p["temp"] <= 21.0 for p in series["points"])
    times = [p["t"] for p in series["points"]]
    assert times == sorted(times)


def test_each_range_holds_only_its_own_readings(store, staff_client):
    readings("cart-001", every=timedelta(hours=1), count=24 * 40, soc=lambda i: 90.0 if i < 2 else 10.0)

    points = {r: staff_client.get(f"/dashboard/carts/cart-001/history.json?range={r}").json()["points"]
              for r in ("1h", "24h", "7d", "30d")}

    assert [p["soc"] for p in points["1h"]] == [90.0]  # the reading now; the one an hour ago is out
    assert len(points["7d"]) in (168, 169) and len(points["30d"]) in (240, 241)
    assert all(len(p) <= 300 for p in points.values())


def test_a_bad_range_is_a_400_that_names_the_good_ones(store, staff_client):
    response = staff_client.get("/dashboard/carts/cart-001/history.json?range=1y")

    assert response.status_code == 400
    assert response.json()["detail"] == "range must be one of 1h, 24h, 7d, 30d, not '1y'"


def test_an_unknown_cart_is_a_404(store, staff_client):
    assert staff_client.get("/dashboard/carts/cart-999/").status_code == 404
    assert staff_client.get("/dashboard/carts/cart-999/history.json").status_code == 404


def test_other_carts_readings_stay_off_the_chart(store, staff_client):
    readings("cart-002", every=timedelta(minutes=1), count=30)

    assert staff_client.get("/dashboard/carts/cart-001/history.json?range=1h").json()["points"] == []
