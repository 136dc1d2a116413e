"""The stores list's filters: problem stores only, offline only, a group, a search by code or
name, an open incident's severity."""

from __future__ import annotations

import pytest

from .test_console_stores_problem_first import listed


def codes(response) -> list[str]:
    return [code for code, _health in listed(response)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"problem": "on"}, ["store-critical", "store-offline", "store-degraded", "store-warning"]),
        ({"offline": "on"}, ["store-offline"]),
        ({"group": "north"}, ["store-critical", "store-ok"]),
        ({"q": "degr"}, ["store-degraded"]),
        ({"q": "Shop store-ok"}, ["store-ok"]),
        ({"severity": "warning"}, ["store-warning"]),
        ({"severity": "critical", "group": "north"}, ["store-critical"]),
    ],
)
def test_it_filters_the_stores(ops, fleet, query, expected):
    assert codes(ops.get("/console/stores/", query)) == expected


def test_a_severity_filter_keeps_every_count_of_the_row(ops, fleet):
    from .conftest import open_incident

    open_incident(fleet["critical"], "component:cache", "warning")

    html = ops.get("/console/stores/", {"severity": "critical"}).content.decode()

    assert '2 <span class="severity" data-severity="critical">' in html


def test_it_says_so_when_no_store_matches(ops, fleet):
    response = ops.get("/console/stores/", {"q": "nowhere"})

    assert codes(response) == []
    assert "No store matches." in response.content.decode()
