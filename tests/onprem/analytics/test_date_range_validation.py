"""A date range the BI cannot show is a 400 that says why, on pages and CSVs alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onprem.analytics.rollups import store_today


def _cases():
    today = store_today()
    return [
        ("from=2025-13-01", "is not a date"),
        ("to=yesterday", "is not a date"),
        (f"from={today.isoformat()}&to={(today - timedelta(days=3)).isoformat()}", "is after the end date"),
        (f"to={(today + timedelta(days=1)).isoformat()}", "is in the future"),
        (f"from={(today - timedelta(days=1000)).isoformat()}", "at most 731 days"),
    ]


@pytest.mark.parametrize("query,message", _cases())
def test_it_refuses_a_bad_range_on_a_page(bi_client, query, message):
    response = bi_client.get(f"/bi/baskets/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("query,message", _cases())
def test_it_refuses_a_bad_range_for_a_csv(bi_client, query, message):
    response = bi_client.get(f"/bi/csv/adoption.csv?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_shows_the_last_30_days_when_no_range_is_given(bi_client):
    today = store_today()
    page = bi_client.get("/bi/").content.decode()
    assert f'name="from" value="{(today - timedelta(days=29)).isoformat()}"' in page
    assert f'name="to" value="{today.isoformat()}"' in page


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_it_offers_each_preset(bi_client, days):
    today = store_today()
    page = bi_client.get("/bi/").content.decode()
    first = today - timedelta(days=days - 1)
    assert f"?from={first.isoformat()}&amp;to={today.isoformat()}" in page
