"""Ops start an on-prem release on a store from the software page, follow its progress as the
store reports, and abort a rollout with the button."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from cloud.releases.services import upload_release
from cloud.stores.models import Store
from cloud.stores.services import register_store
from smartcart.release.build import build_release

from ..software.conftest import software_heartbeat, wheel


@pytest.fixture
def onprem(transactional_db, release_settings, signing, tmp_path):
    out = tmp_path / "onprem"
    manifest, artifact = build_release(
        image=wheel(out / "dist", "0.2.0"),
        version="0.2.0",
        hardware="onprem-v1",
        channel="stable",
        expires_days=90,
        key=signing["private"],
        out=out,
        now=datetime.now(UTC),
    )
    return upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="olga"
    )


@pytest.fixture
def stores(transactional_db):
    for code in ("store-001", "store-002"):
        register_store(code=code, name=code)
        Store.objects.filter(code=code).update(
            last_heartbeat=software_heartbeat(code, "0.1.0"), last_heartbeat_at=timezone.now()
        )


def test_it_starts_a_rollout_on_a_store_and_aborts_it(ops_page, cloud_server, onprem, stores):
    page = ops_page
    page.goto(f"{cloud_server}/console/software/")
    assert page.locator("table.releases td.version").inner_text() == "0.2.0"

    page.select_option("#id_release", str(onprem.pk))
    page.select_option("#id_store", "store-002")
    page.click("button:text('Start')")

    page.wait_for_url(f"{cloud_server}/console/software/rollouts/*/")
    assert "Rollout started" in page.locator(".messages").inner_text()
    row = page.locator("table.updates tbody tr")
    assert row.get_attribute("data-store") == "store-002"
    assert row.get_attribute("data-state") == "pending"
    assert "0 of 1 stores done" in page.locator(".progress").inner_text()

    page.click("button:text('Abort')")
    assert page.locator(".state.big").inner_text() == "aborted"
    assert page.locator("table.updates tbody tr").get_attribute("data-state") == "failed"
    assert page.locator("button:text('Abort')").count() == 0
