"""The BI page in Chromium: every chart draws from a seeded store, and a table downloads as CSV.

SMARTCART_SCREENSHOTS=<dir> also saves the page as <dir>/bi.png (docs/screenshots/bi.png is made so).
"""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest

from .conftest import STAFF_PASSWORD, sign_in

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def analyst(staff_user):
    """maria, staff, with the analytics permission, and three weeks of a 12-cart store."""
    from django.contrib.auth.models import Permission

    from onprem.analytics.rollups import roll_up_range, store_today
    from onprem.analytics.seeding import Plan, seed_history

    staff_user.user_permissions.add(Permission.objects.get(content_type__app_label="analytics", codename="analytics"))
    plan = Plan(days=28, carts=12, seed=11, until=store_today() - timedelta(days=1))
    seed_history(plan)
    roll_up_range(plan.first, plan.until)
    return staff_user


def _charts(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => ({
        key: c.dataset.chart, width: c.width, height: c.height, chart: !!Chart.getChart(c),
        points: Chart.getChart(c) ? Chart.getChart(c).data.datasets[0].data.length : 0}))""")


def test_it_draws_every_chart_and_downloads_a_csv(browser_context, onprem_server, analyst):
    page = browser_context.new_page()
    sign_in(page, onprem_server.url, analyst.username, STAFF_PASSWORD, next_path="/bi/")
    assert page.locator("h1").inner_text() == "Adoption"
    for path in ("/bi/", "/bi/baskets/", "/bi/shoppers/", "/bi/service/", "/bi/products/", "/bi/battery/"):
        page.goto(f"{onprem_server.url}{path}")
        charts = _charts(page)
        assert charts, f"{path} has no chart"
        for chart in charts:
            assert chart["chart"], f"{path}: no Chart instance on {chart['key']}"
            assert chart["width"] > 0 and chart["height"] > 0, f"{path}: {chart['key']} has no size"
            assert chart["points"] > 0, f"{path}: {chart['key']} has no data"
    page.goto(f"{onprem_server.url}/bi/")
    assert page.locator(".bi-heatmap .bi-cell").count() == 7 * 24
    with page.expect_download() as download_info:
        page.locator("#table-adoption a.bi-csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith("smartcart-adoption-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    # The default range is the last 30 days: the 28 seeded ones and today (live) have rows.
    assert rows[0][0] == "Day" and len(rows) == 1 + 28 + 1
    if shots := os.environ.get("SMARTCART_SCREENSHOTS"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(Path(shots) / "bi.png"), full_page=True)
