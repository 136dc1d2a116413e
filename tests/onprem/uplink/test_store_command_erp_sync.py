from __future__ import annotations

import time

import pytest

from onprem.integrations.erp.models import SyncRun
from tests.conftest import free_port
from tests.onprem.integrations.erp.conftest import TOKEN, start_emulator

from .store_commands_support import ack_for


@pytest.fixture
def erp_url(settings):
    proc, url = start_emulator()
    settings.ERP_URL, settings.ERP_TOKEN, settings.ERP_FIELD_MAP = url, TOKEN, ""
    yield url
    proc.terminate()
    proc.wait(10)


def test_it_syncs_the_catalog_and_stock_and_returns_the_runs(transactional_db, erp_url):
    answer = ack_for("erp.sync", {"full": True})

    runs = answer["body"]["result"]["runs"]
    assert answer["body"]["state"] == "done"
    assert runs["catalog"]["status"] == "ok" and runs["catalog"]["created"] > 0
    assert runs["stock"]["status"] == "ok"
    assert SyncRun.objects.filter(status="ok").count() >= 2


def test_it_answers_failed_at_once_when_the_erp_is_down(transactional_db, settings):
    settings.ERP_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens
    started = time.monotonic()

    answer = ack_for("erp.sync", {"stock_only": True})

    assert time.monotonic() - started < 10  # no Celery retries: the connector's own, and done
    assert answer["body"]["state"] == "failed"
    assert answer["body"]["result"]["error"].startswith(
        "the stock sync failed: GET http://127.0.0.1:"
    )
    assert SyncRun.objects.get().status == "failed"
