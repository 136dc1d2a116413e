"""Ops filter the incidents list and open one incident with its events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cloud.incidents.models import Incident, IncidentEvent
from cloud.stores.services import register_store


@pytest.fixture
def incidents(transactional_db):
    one = register_store(code="store-001", name="One")[0]
    two = register_store(code="store-002", name="Two")[0]
    now = timezone.now()
    flapping = Incident.objects.create(
        store=one,
        problem="component:uplink",
        severity="critical",
        title="Store offline",
        opened_at=now - timedelta(minutes=9),
        flapping=True,
        flips=6,
    )
    for minutes, kind in ((9, "opened"), (7, "good"), (6, "bad"), (5, "flapping")):
        IncidentEvent.objects.create(
            incident=flapping, at=now - timedelta(minutes=minutes), kind=kind
        )
    Incident.objects.create(
        store=two,
        problem="fleet:carts_offline",
        severity="warning",
        title="Carts offline",
        opened_at=now - timedelta(hours=3),
        state="resolved",
        resolved_at=now - timedelta(hours=2),
    )
    return flapping


def test_it_filters_incidents_and_shows_one_with_its_events(ops_page, cloud_server, incidents):
    page = ops_page
    page.goto(f"{cloud_server}/console/incidents/")
    assert page.locator("table.incidents tbody tr").count() == 2

    page.select_option("#id_state", "open")
    page.click("button:text('Filter')")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 1
    assert "flapping" in rows.inner_text()

    page.click("text=Store offline")
    page.wait_for_url(f"{cloud_server}/console/incidents/{incidents.pk}/")
    events = page.locator("table.events tbody tr")
    assert [events.nth(i).get_attribute("data-kind") for i in range(4)] == [
        "opened",
        "good",
        "bad",
        "flapping",
    ]
    assert "6 flips" in page.locator("main").inner_text()
