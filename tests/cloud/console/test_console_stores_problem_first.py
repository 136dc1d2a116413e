"""The stores list puts problem stores first: open critical incidents, then offline, then
degraded (a failing component or a warning), then the healthy ones."""

from __future__ import annotations

import re


def listed(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    return re.findall(r'<tr data-store="([^"]+)" data-health="([^"]+)">', html)


def test_it_lists_problem_stores_first(ops, fleet):
    rows = listed(ops.get("/console/stores/"))

    assert rows == [
        ("store-critical", "critical"),
        ("store-offline", "offline"),
        ("store-degraded", "degraded"),
        ("store-warning", "degraded"),
        ("store-ok", "ok"),
    ]


def test_it_shows_each_stores_health_at_a_glance(ops, fleet):
    html = ops.get("/console/stores/").content.decode()
    critical = html[html.index('data-store="store-critical"') :].split("</tr>")[0]
    degraded = html[html.index('data-store="store-degraded"') :].split("</tr>")[0]

    assert '1 <span class="severity" data-severity="critical">critical</span>' in critical
    assert "0.3.0" in critical  # the on-prem version from its heartbeat
    assert "3/4" in critical  # carts online / total
    assert 'title="ingest: failing"' in degraded
    assert "1 critical" in html and "1 offline" in html and "2 degraded" in html


def test_it_reads_every_store_in_a_fixed_number_of_queries(ops, fleet, django_assert_max_num_queries):
    from .conftest import make_store

    for n in range(40):
        make_store(f"store-{n:03d}")

    with django_assert_max_num_queries(12):
        response = ops.get("/console/stores/")

    assert len(listed(response)) == 45
