"""The campaign page follows the store's reports live (no reload), and shows why it paused."""

from __future__ import annotations

import pytest

from cloud.releases.campaigns import create_campaign
from cloud.releases.services import upload_release
from cloud.stores.services import register_store

from .conftest import StoreTunnel, job, wait_until


@pytest.fixture
def campaign(transactional_db, release_settings, build):
    manifest, artifact = build("1.1.0")
    release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="olga"
    )
    return release, create_campaign(
        release=release,
        stores="all",
        created_by="olga",
        phases=[{"carts": 1}, {"percent": 100}],
        max_failure_percent=20,
    )


@pytest.fixture
def store(cloud_server, transactional_db):
    _, key = register_store(code="store-001", name="One")
    return key


def test_it_shows_progress_as_reports_arrive_and_the_pause_they_cause(
    ops_page, cloud_server, store, campaign
):
    _, running = campaign
    ops_page.goto(f"{cloud_server}/console/campaigns/{running.pk}/")
    assert ops_page.locator("#devices tbody").inner_text().strip() == (
        "No cart has reported on this campaign yet."
    )
    tunnel = StoreTunnel(cloud_server, "store-001", store)
    try:
        tunnel.report(
            jobs=[
                job("cart-001", "downloading", running.pk, percent=40),
                job(
                    "cart-002",
                    "waiting",
                    running.pk,
                    waiting_reason="in_session: a shopper is using the cart",
                ),
            ],
            campaigns=[{"campaign": running.pk, "carts_total": 4, "behaviour": {}}],
        )

        row = ops_page.locator("#devices tr[data-device=cart-001]")
        row.wait_for()
        assert row.locator(".download").inner_text() == "40 %"
        assert ops_page.locator("#devices tr[data-device=cart-002] .waiting").inner_text() == (
            "in_session: a shopper is using the cart"
        )
        assert (
            ops_page.locator("#stores .bar-row[data-store=store-001] .bar-count").inner_text()
            == "0 / 1"
        )

        tunnel.report(
            jobs=[
                job(
                    "cart-001",
                    "rolled_back",
                    running.pk,
                    reason="healthcheck_failed",
                    detail="self-test failed",
                )
            ]
        )

        ops_page.locator("#paused-reason:not([hidden])").wait_for()
        assert ops_page.locator("#paused-reason").inner_text() == (
            "Paused: failures: 1 of 1 finished updates failed or rolled back (100 %), "
            "above the 20 % threshold"
        )
        assert ops_page.locator("#campaign-state").inner_text() == "paused"
        assert (
            ops_page.locator("#devices tr[data-device=cart-001] .state").inner_text()
            == "rolled back"
        )
        assert ops_page.locator("form[data-action=resume]").is_visible()
        assert not ops_page.locator("form[data-action=pause]").is_visible()
        wait_until(
            lambda: ops_page.locator("#live").get_attribute("data-state") == "live",
            "the page says it is live",
        )
    finally:
        tunnel.close()
