"""Failed and rolled-back updates beyond the threshold pause the campaign by itself."""

from __future__ import annotations

import pytest

from cloud.commands.models import StoreCommand
from cloud.releases.campaigns import act, create_campaign
from cloud.releases.models import Campaign, CampaignAction

from .conftest import job, report, send_reports


@pytest.fixture
def campaign(transactional_db, release, stores):
    return create_campaign(
        release=release,
        stores=["store-001", "store-002"],
        created_by="ops",
        phases=[{"percent": 100}],
        max_failure_percent=25,
    )


def test_it_pauses_itself_with_the_figures_that_tripped_it(campaign, stores):
    frame = report(
        jobs=[
            job("cart-001", "succeeded", campaign=campaign.pk),
            job("cart-002", "rolled_back", campaign=campaign.pk, reason="healthcheck_failed"),
            job("cart-003", "downloading", campaign=campaign.pk, percent=30),
        ]
    )

    send_reports("store-001", stores["store-001"], frame)

    campaign.refresh_from_db()
    assert campaign.state == "paused"
    assert campaign.paused_reason == (
        "failures: 1 of 2 finished updates failed or rolled back (50 %), above the 25 % threshold"
    )
    figures = campaign.pause_figures
    assert (figures["failed"], figures["finished"], figures["failure_percent"]) == (1, 2, 50.0)
    assert figures["failed_devices"] == [
        {"device": "cart-002", "store": "store-001", "reason": "healthcheck_failed"}
    ]
    action = CampaignAction.objects.get(action="auto_pause")
    assert action.by == "cloud"
    # Both stores are told to start nothing new.
    told = StoreCommand.objects.filter(name="ota.campaign", args__revision=2)
    assert sorted((c.store.code, c.args["state"]) for c in told) == [
        ("store-001", "paused"),
        ("store-002", "paused"),
    ]


def test_it_goes_on_below_the_threshold(campaign, stores):
    frame = report(
        jobs=[job(f"cart-00{n}", "succeeded", campaign=campaign.pk) for n in range(1, 4)]
        + [job("cart-009", "failed", campaign=campaign.pk, reason="download_failed")]
    )

    send_reports("store-001", stores["store-001"], frame)

    assert Campaign.objects.get(pk=campaign.pk).state == "running"  # 1 of 4 is 25 %, not above


def test_it_counts_only_failures_after_ops_resumed(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(jobs=[job("cart-001", "failed", campaign=campaign.pk, reason="download_failed")]),
    )
    assert Campaign.objects.get(pk=campaign.pk).state == "paused"

    act(campaign_id=campaign.pk, action="resume", by="ops")
    send_reports(
        "store-001",
        stores["store-001"],
        report(jobs=[job("cart-002", "succeeded", campaign=campaign.pk)]),
    )

    assert Campaign.objects.get(pk=campaign.pk).state == "running"
