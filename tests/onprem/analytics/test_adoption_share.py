"""The adoption share on the page and in the CSV is SmartCart's orders over all the ERP's orders."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from onprem.analytics.models import ErpDailyOrders
from onprem.analytics.rollups import day_bounds
from onprem.shopping.models import Order

from .conftest import week_query


def test_it_matches_a_count_made_straight_from_the_database(bi_client, seeded):
    response = bi_client.get(f"/bi/csv/adoption.csv?{week_query(seeded)}")
    rows = {row[0]: row for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]}
    assert len(rows) == seeded.days
    for n in range(seeded.days):
        day = seeded.first + timedelta(days=n)
        start, end = day_bounds(day)
        orders = Order.objects.filter(created_at__gte=start, created_at__lt=end).count()
        erp = ErpDailyOrders.objects.get(day=day).orders
        assert rows[day.isoformat()][2] == str(orders)
        assert rows[day.isoformat()][3] == str(erp)
        assert rows[day.isoformat()][4] == f"{100 * orders / erp:.1f}"


def test_it_shows_the_share_of_the_whole_range_on_the_page(bi_client, seeded):
    start, _ = day_bounds(seeded.first)
    _, end = day_bounds(seeded.until)
    orders = Order.objects.filter(created_at__gte=start, created_at__lt=end).count()
    erp = sum(ErpDailyOrders.objects.values_list("orders", flat=True))
    page = bi_client.get(f"/bi/?{week_query(seeded)}").content.decode()
    assert f"{100 * orders / erp:.1f} %" in page


def test_it_leaves_the_share_blank_on_a_day_the_erp_count_is_missing(bi_client, seeded):
    ErpDailyOrders.objects.filter(day=seeded.until).delete()
    response = bi_client.get(f"/bi/csv/adoption.csv?{week_query(seeded)}")
    last = list(csv.reader(io.StringIO(response.content.decode())))[-1]
    assert last[0] == seeded.until.isoformat()
    assert last[3:] == ["", ""]
