"""Every BI table downloads as a CSV the csv module reads: the table's header, then its rows."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import CSVS, week_query

COLUMNS = {"adoption": 5, "heatmap": 25, "durations": 3, "basket-sizes": 3, "basket-values": 3,
           "return-intervals": 3, "help-abandoned": 6, "top-products": 6, "pairs": 4, "battery": 5}


@pytest.mark.parametrize("name", CSVS)
def test_it_downloads_a_csv_with_a_header_and_rows(bi_client, seeded, name):
    response = bi_client.get(f"/bi/csv/{name}.csv?{week_query(seeded)}")
    assert response.status_code == 200
    assert f'filename="smartcart-{name}-{seeded.first.isoformat()}-{seeded.until.isoformat()}.csv"' in (
        response["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert len(header) == COLUMNS[name]
    assert body, f"{name} has no rows"
    assert all(len(row) == len(header) for row in body)


def test_it_shows_the_same_rows_on_the_page(bi_client, seeded):
    page = bi_client.get(f"/bi/products/?{week_query(seeded)}").content.decode()
    csv_rows = list(csv.reader(io.StringIO(bi_client.get(f"/bi/csv/top-products.csv?{week_query(seeded)}")
                                           .content.decode())))
    first_product = csv_rows[1][2]
    assert first_product in page
    assert f'href="/bi/csv/top-products.csv?{week_query(seeded).replace("&", "&amp;")}"' in page


def test_it_answers_404_for_a_table_that_does_not_exist(bi_client):
    response = bi_client.get("/bi/csv/salaries.csv")
    assert response.status_code == 404
