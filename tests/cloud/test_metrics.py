"""/metrics on the cloud: refused without the token; stores, tunnels, heartbeats, frames,
incidents and notices move when a store connects, an incident opens, a notice is sent."""

from __future__ import annotations

import asyncio

import pytest
from django.test import Client
from django.utils import timezone

from cloud.incidents.models import Incident
from cloud.notifications.models import Channel, Notice
from cloud.stores.models import Store
from tests.scrape import TOKEN, sample, scrape

from .conftest import send_heartbeat, tunnel


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def test_it_is_off_with_a_sentence_when_no_token_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    answer = scrape(Client())

    assert answer.status_code == 404
    assert "set SMARTCART_METRICS_TOKEN" in answer.json()["detail"]


def test_it_refuses_a_scrape_without_the_token_or_with_a_wrong_one(db, metrics_on):
    missing = scrape(Client(), token=None)
    wrong = scrape(Client(), token=TOKEN + "x")
    basic = Client().get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")

    assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["detail"]
    assert basic.status_code == 401
    assert wrong.status_code == 403 and wrong.json()["detail"] == "wrong metrics token"


def test_it_counts_a_store_its_tunnel_frames_and_heartbeats(transactional_db, store_key, metrics_on):
    before = scrape(Client()).text
    assert sample(before, "smartcart_stores", state="offline") == 1

    async def connected_scrape():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await send_heartbeat(comm)
        text = await asyncio.to_thread(lambda: scrape(Client()).text)
        await comm.disconnect()
        return text

    during = asyncio.run(connected_scrape())

    assert sample(during, "smartcart_stores", state="online") == 1
    assert sample(during, "smartcart_store_tunnels") == 1
    assert sample(during, "smartcart_store_ingest_lag_ms", store="store-001") == 42.0
    assert 0 <= sample(during, "smartcart_store_heartbeat_age_seconds", store="store-001") < 30
    assert grew(before, during, "smartcart_heartbeats_received_total") == 1
    assert grew(before, during, "smartcart_tunnel_frames_received_total", type="heartbeat") == 1
    assert grew(before, during, "smartcart_tunnel_connections_total", outcome="accepted") == 1


def test_it_counts_open_incidents_by_severity(db, store_key, metrics_on):
    store = Store.objects.get(code="store-001")
    assert sample(scrape(Client()).text, "smartcart_incidents_open", severity="critical") == 0

    Incident.objects.create(store=store, problem="component:database", severity="critical",
                            title="database down", opened_at=timezone.now())
    Incident.objects.create(store=store, problem="fleet:faults", severity="warning", title="faults",
                            opened_at=timezone.now(), state="resolved", resolved_at=timezone.now())
    text = scrape(Client()).text

    assert sample(text, "smartcart_incidents_open", severity="critical") == 1
    assert sample(text, "smartcart_incidents_open", severity="warning") == 0
    assert sample(text, "smartcart_incidents_opened_total") == 2


def test_it_counts_notices_by_channel_kind_and_state(db, metrics_on):
    hook = Channel.objects.create(name="ops hook", kind="webhook", target="https://example.invalid/h")
    mail = Channel.objects.create(name="ops mail", kind="email", target="ops@example.invalid")
    Notice.objects.create(channel=hook, event="test", key="test:1", state="sent")
    Notice.objects.create(channel=hook, event="test", key="test:2", state="failed")
    Notice.objects.create(channel=mail, event="test", key="test:3", state="sent")

    text = scrape(Client()).text

    assert sample(text, "smartcart_notifications_total", kind="webhook", state="sent") == 1
    assert sample(text, "smartcart_notifications_total", kind="webhook", state="failed") == 1
    assert sample(text, "smartcart_notifications_total", kind="email", state="sent") == 1


def grew(before: str, after: str, name: str, **labels) -> float:
    return (sample(after, name, **labels) or 0) - (sample(before, name, **labels) or 0)
