"""Ops open the console on the stores list, see a store that reports over a real tunnel with
its health, and open its page: components, incidents and the history charts drawn with data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cloud.incidents.models import Incident
from cloud.stores.history import record_sample
from cloud.stores.models import Store
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames

from .conftest import OPS_PASSWORD, StoreTunnel, sign_in


def beat(code: str, online: int) -> dict:
    return {
        "store": code,
        "status": "degraded",
        "components": {
            "database": {"ok": True, "detail": "mariadb"},
            "ingest": {"ok": False, "detail": "stopped"},
        },
        "fleet": {
            "carts": {
                "total": 6,
                "online": online,
                "offline": 6 - online,
                "low_battery": 0,
                "fault": 0,
                "docked": 1,
            },
            "racks": {"total": 1, "online": 1, "offline": 0},
        },
        "software": {"version": "0.4.2", "protocol": 1},
    }


@pytest.fixture
def stores(transactional_db):
    """store-001 (connected by the test, ingest down, a critical incident, 30 minutes of
    history) and store-002 (registered, never seen)."""
    one, key = register_store(code="store-001", name="Milano Centro")
    register_store(code="store-002", name="Torino")
    now = timezone.now()
    for minutes in range(30, 0, -1):
        record_sample(
            one, beat("store-001", online=6 - minutes % 3), now - timedelta(minutes=minutes)
        )
    Incident.objects.create(
        store=one,
        problem="component:ingest",
        severity="critical",
        title="Ingest stopped",
        opened_at=now - timedelta(minutes=5),
    )
    return key


def test_it_lists_stores_by_health_and_draws_a_stores_history(
    context, cloud_server, ops_user, stores
):
    tunnel = StoreTunnel(cloud_server, "store-001", stores)
    try:
        assert tunnel.send_and_wait(frames.heartbeat(beat("store-001", online=5)))["type"] == "ack"
        page = context.new_page()
        sign_in(page, cloud_server, "olga", OPS_PASSWORD)
        page.wait_for_url(f"{cloud_server}/console/stores/")

        rows = page.locator("table.stores tbody tr")
        assert [rows.nth(i).get_attribute("data-store") for i in range(2)] == [
            "store-001",
            "store-002",
        ]
        first = rows.nth(0).inner_text()
        assert "critical" in first and "0.4.2" in first and "5/6" in first

        page.click("text=store-001")
        page.wait_for_url(f"{cloud_server}/console/stores/store-001/")
        assert page.locator("tr[data-component=ingest]").inner_text().count("stopped") == 1
        assert "Ingest stopped" in page.locator("table.incidents").inner_text()
        points = page.evaluate("window.consoleCharts.fleet.data.datasets[1].data.length")
        assert points >= 30
        drawn = page.evaluate(
            "document.getElementById('fleet-chart').getContext('2d')"
            ".getImageData(0, 0, 400, 150).data.some((v) => v !== 0)"
        )
        assert drawn
    finally:
        tunnel.close()
    assert Store.objects.get(code="store-001").samples.count() >= 30
