"""A store's page: its components from the last heartbeat, its incidents, its on-prem version,
its heartbeat history for the charts, and the links through the remote proxy."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.utils import timezone

from cloud.incidents.models import Incident
from cloud.remote.services import grant_remote_access
from cloud.stores.history import record_sample

from .conftest import heartbeat, open_incident


def test_it_shows_the_components_of_the_last_heartbeat(ops, fleet):
    html = ops.get("/console/stores/store-degraded/").content.decode()

    ingest = html[html.index('data-component="ingest"') :].split("</tr>")[0]
    database = html[html.index('data-component="database"') :].split("</tr>")[0]
    assert "failing" in ingest and "stopped" in ingest
    assert 'data-ok="yes"' in database and "sqlite" in database


def test_it_shows_open_and_past_incidents(ops, fleet):
    store = fleet["ok"]
    open_incident(store, "component:cache", "warning", title="Cache down")
    open_incident(
        store,
        "component:broker",
        "critical",
        title="Broker down",
        state=Incident.State.RESOLVED,
        opened_at=timezone.now() - timedelta(hours=2),
        resolved_at=timezone.now() - timedelta(hours=1),
    )

    html = ops.get("/console/stores/store-ok/").content.decode()

    assert re.search(r'<tr data-state="open">.*?Cache down', html, re.S)
    assert re.search(r'<tr data-state="resolved">.*?Broker down', html, re.S)


def test_it_shows_the_on_prem_version(ops, fleet):
    html = ops.get("/console/stores/store-ok/").content.decode()

    assert '<dd class="version">0.3.0</dd>' in html


def test_it_gives_the_charts_one_point_per_minute(ops, fleet):
    store, now = fleet["ok"], timezone.now()
    record_sample(store, heartbeat("store-ok"), now - timedelta(minutes=3))
    record_sample(store, heartbeat("store-ok", ingest="stopped"), now)

    html = ops.get("/console/stores/store-ok/?hours=1").content.decode()
    data = re.search(r'id="history-data" type="application/json">(.*?)</script>', html, re.S)
    points = json.loads(data.group(1))

    # a minute with no heartbeat is offline (one more if the clock turned a minute meanwhile)
    assert [p["online"] for p in points[:4]] == [True, False, False, True]
    assert not any(p["online"] for p in points[4:])
    assert points[0]["carts_online"] == 3 and points[0]["carts_total"] == 4
    assert points[-1]["components"]["ingest"] is False
    assert '<canvas id="fleet-chart"' in html


def test_it_links_the_stores_api_and_dashboard_through_the_remote_proxy(ops, fleet):
    html = ops.get("/console/stores/store-ok/").content.decode()

    assert 'href="/remote/store-ok/api/v1/"' in html
    assert 'href="/remote/store-ok/dashboard/"' in html
    assert "has no remote access grant for this store" in html


def test_it_says_nothing_of_grants_to_ops_who_may_reach_the_store(ops, fleet):
    from django.contrib.auth import get_user_model

    grant_remote_access(user=get_user_model().objects.get(username="olga"), store=fleet["ok"])

    html = ops.get("/console/stores/store-ok/").content.decode()

    assert "has no remote access grant" not in html


def test_it_answers_404_for_an_unknown_store(ops, fleet):
    assert ops.get("/console/stores/store-nowhere/").status_code == 404
