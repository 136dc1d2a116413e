"""Judged on what the carts do afterwards: worse behaviour than the control group pauses it."""

from __future__ import annotations

import pytest

from cloud.releases.campaigns import act, create_campaign
from cloud.releases.models import Campaign

from .conftest import figures, report, send_reports


def behaviour(campaign: int, updated: dict, control: dict, total: int = 20) -> dict:
    return {
        "campaign": campaign,
        "carts_total": total,
        "behaviour": {"updated": updated, "control": control},
    }


@pytest.fixture
def campaign(transactional_db, release, stores):
    return create_campaign(
        release=release,
        stores=["store-001", "store-002"],
        created_by="ops",
        max_regression_percent=50,
    )


def test_it_pauses_on_more_faults_per_use_hour_summed_over_its_stores(campaign, stores):
    # store-001: updated 4 faults in 4 h; store-002: 2 in 4 h -> 6 faults / 8 h = 0.75 per hour.
    # Control: 3 faults in 12 h + 1 in 8 h = 4 / 20 h = 0.2 per hour: +275 %.
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(carts=2, use_hours=4, faults=4, sessions=30),
                    figures(carts=10, use_hours=12, faults=3, sessions=60),
                )
            ]
        ),
    )
    assert Campaign.objects.get(pk=campaign.pk).state == "running"  # 4 h: below the sample

    send_reports(
        "store-002",
        stores["store-002"],
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(carts=2, use_hours=4, faults=2, sessions=30),
                    figures(carts=8, use_hours=8, faults=1, sessions=40),
                )
            ]
        ),
    )

    paused = Campaign.objects.get(pk=campaign.pk)
    assert paused.state == "paused"
    assert paused.paused_reason == (
        "behaviour regression beyond 50 %: faults per use-hour 0.750 on updated carts vs "
        "0.200 on the control group (+275.0 %)"
    )
    assert paused.pause_figures["tripped"] == ["faults_regression_percent"]
    assert paused.pause_figures["updated"]["use_hours"] == 8
    assert paused.behaviour["verdict"] == "regression"


def test_it_pauses_on_more_help_requests_per_session(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=10, faults=1, sessions=40, help_requests=12),
                    figures(use_hours=30, faults=3, sessions=100, help_requests=10),
                )
            ]
        ),
    )

    paused = Campaign.objects.get(pk=campaign.pk)
    assert paused.state == "paused"
    assert "help requests per session 0.300 vs 0.100 (+200.0 %)" in paused.paused_reason


def test_it_waits_for_the_minimum_sample(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=1, faults=9, sessions=3, help_requests=3),
                    figures(use_hours=40, faults=0, sessions=100),
                )
            ]
        ),
    )

    row = Campaign.objects.get(pk=campaign.pk)
    assert row.state == "running"
    assert row.behaviour["verdict"] == "insufficient_sample"
    assert row.behaviour["updated"]["faults"] == 9  # the figures show while it waits


def test_it_passes_updated_carts_that_do_as_well(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=10, faults=2, sessions=40, help_requests=4),
                    figures(use_hours=30, faults=6, sessions=100, help_requests=10),
                )
            ]
        ),
    )

    row = Campaign.objects.get(pk=campaign.pk)
    assert (row.state, row.behaviour["verdict"]) == ("running", "ok")
    assert row.behaviour["faults_regression_percent"] == 0.0


def test_it_trips_again_after_a_resume_only_if_it_gets_worse(campaign, stores):
    key = stores["store-001"]
    control = figures(use_hours=20, faults=2, sessions=100, help_requests=10)
    send_reports(
        "store-001",
        key,
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=10, faults=2, sessions=40, help_requests=4),
                    control,
                )
            ]
        ),
    )
    assert Campaign.objects.get(pk=campaign.pk).state == "paused"  # +100 %

    act(campaign_id=campaign.pk, action="resume", by="ops")
    send_reports(
        "store-001",
        key,
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=10, faults=2, sessions=40, help_requests=4),
                    control,
                )
            ]
        ),
    )
    assert Campaign.objects.get(pk=campaign.pk).state == "running"

    send_reports(
        "store-001",
        key,
        report(
            campaigns=[
                behaviour(
                    campaign.pk,
                    figures(use_hours=10, faults=5, sessions=40, help_requests=4),
                    control,
                )
            ]
        ),
    )
    assert Campaign.objects.get(pk=campaign.pk).state == "paused"  # +400 %
