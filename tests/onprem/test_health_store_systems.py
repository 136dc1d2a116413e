"""The heartbeat's erp, cashless and disk checks: cheap, bounded, "not configured" is ok."""

from __future__ import annotations

import socket

import pytest

from cloud.stores.heartbeats import clean_heartbeat
from onprem.core.health import check_cashless, check_disk, check_erp
from onprem.integrations.erp.models import SyncKind, SyncRun
from onprem.uplink.services import build_heartbeat


@pytest.fixture
def listening():
    """A local port that takes TCP connections (the ERP or the terminal, up)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (the ERP or the terminal, down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def synced(status: str, error: str = "") -> SyncRun:
    return SyncRun.objects.create(kind=SyncKind.STOCK, full=False, status=status, error=error)


def test_nothing_set_up_is_ok_and_says_not_configured(db, settings):
    settings.CASHLESS_EVENT_SECRET = ""

    assert check_erp() == {"ok": True, "detail": "not configured (no ERP sync has run)"}
    assert check_cashless() == {"ok": True, "detail": "not configured"}


def test_the_erp_is_ok_when_it_answers_and_the_last_sync_went_through(db, settings, listening):
    settings.ERP_URL = f"http://127.0.0.1:{listening}"
    synced(SyncRun.Status.OK)

    assert check_erp() == {"ok": True, "detail": "last stock sync ok"}


def test_the_erp_is_down_when_its_last_sync_failed(db, settings, listening):
    settings.ERP_URL = f"http://127.0.0.1:{listening}"
    synced(SyncRun.Status.OK)
    synced(SyncRun.Status.FAILED, "HTTP 503 from the ERP")

    assert check_erp() == {"ok": False, "detail": "last stock sync failed: HTTP 503 from the ERP"}


def test_the_erp_is_down_when_it_takes_no_connection(db, settings, closed_port):
    settings.ERP_URL = f"http://127.0.0.1:{closed_port}"
    synced(SyncRun.Status.OK)

    result = check_erp()

    assert result["ok"] is False
    assert result["detail"].startswith(f"ERP 127.0.0.1:{closed_port} unreachable")


def test_the_terminal_is_probed_once_it_is_set_up(db, settings, listening, closed_port):
    settings.CASHLESS_EVENT_SECRET = "s3cret-0123456789abcdef"
    settings.CASHLESS_URL = f"http://127.0.0.1:{listening}"
    assert check_cashless() == {"ok": True, "detail": "terminal reachable"}

    settings.CASHLESS_URL = f"http://127.0.0.1:{closed_port}"
    down = check_cashless()
    assert down["ok"] is False and "unreachable" in down["detail"]


def test_the_disk_reports_its_free_share_against_the_minimum(db, settings):
    settings.DISK_MIN_FREE_PCT = 0
    roomy = check_disk()
    settings.DISK_MIN_FREE_PCT = 100
    full = check_disk()

    assert roomy["ok"] is True and 0 < roomy["free_pct"] < 100 and roomy["free_mb"] > 0
    assert full["ok"] is False and full["detail"].endswith("under 100 %")


def test_the_heartbeat_carries_them_in_the_shape_the_cloud_reads(db, settings):
    settings.CASHLESS_EVENT_SECRET = ""

    heartbeat = build_heartbeat()

    components = clean_heartbeat(heartbeat)["components"]
    assert components["erp"]["ok"] and components["cashless"]["ok"]
    assert components["disk"]["free_pct"] > 0


def test_a_cleanly_stopped_ingest_is_down_at_once(db):
    from django.utils import timezone

    from onprem.core.health import check_ingest
    from onprem.fleet.models import IngestState
    from onprem.fleet.services import record_ingest_end, record_ingest_start

    record_ingest_start(name="ingest-1")
    IngestState.objects.filter(name="ingest-1").update(last_flush_at=timezone.now())  # a flush
    assert check_ingest()["ok"] is True

    record_ingest_end(name="ingest-1", error="")

    stopped = check_ingest()
    assert stopped["ok"] is False
    assert stopped["detail"] == f"ingest ingest-1 stopped at {timezone.now():%H:%M:%S}"
