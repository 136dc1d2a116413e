"""action.health: the store's checks (as /healthz), fleet counts, ingest workers, dead letters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone

from onprem.fleet.dead_letters import dead_letter
from onprem.fleet.models import IngestState
from onprem.fleet.services import provision_device
from onprem.uplink.actions import ACTIONS
from onprem.uplink.commands import StoreCommandRefused


def test_it_reports_the_same_checks_as_healthz(db):
    result = ACTIONS["action.health"]({})
    healthz = Client().get("/healthz").json()

    assert (
        set(result["components"])
        == set(healthz["components"])
        == {"database", "cache", "broker", "ingest", "erp", "cashless", "disk"}
    )
    assert {n: c["ok"] for n, c in result["components"].items()} == {
        n: c["ok"] for n, c in healthz["components"].items()
    }
    assert result["status"] == "degraded"  # no ingest has run in this test database
    assert result["components"]["ingest"]["detail"] == "ingest has never run"


def test_it_counts_the_fleet_ingest_workers_and_dead_letters(db):
    provision_device(kind="rack", device_id="rack-01", slot_count=2)
    provision_device(kind="cart", device_id="cart-001")
    IngestState.objects.create(
        name="ingest-1",
        last_flush_at=timezone.now(),
        lag_ms=12.5,
        stored_total=40,
        last_error="x" * 2000,
    )
    topic = "smartcart/s/cart/cart-9/telemetry"
    dead_letter(
        topic=topic, payload=b"{}", reason="unknown device cart-9", received_at=timezone.now()
    ).save()
    dead_letter(
        topic=topic, payload=b"{}", reason="old", received_at=datetime(2020, 1, 1, tzinfo=UTC)
    ).save()

    result = ACTIONS["action.health"]({})

    assert result["fleet"]["carts"]["total"] == 1
    assert result["fleet"]["racks"]["total"] == 1
    [worker] = result["ingest_workers"]
    assert (worker["name"], worker["lag_ms"], worker["stored_total"]) == ("ingest-1", 12.5, 40)
    assert len(worker["last_error"]) == 500
    assert result["dead_letters"]["total"] == 2
    assert result["dead_letters"]["last_24h"] == 1
    assert result["dead_letters"]["newest"][0]["reason"] == "unknown device cart-9"


def test_it_refuses_args(db):
    with pytest.raises(
        StoreCommandRefused, match=r"^action.health does not take 'verbose'; it takes no args$"
    ):
        ACTIONS["action.health"]({"verbose": True})
