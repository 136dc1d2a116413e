"""One bad row never stops the worker: it is logged, and every other job still goes."""

from __future__ import annotations

from onprem.updates import jobs
from onprem.updates.jobs import create_job
from onprem.updates.models import Campaign, UpdateJob
from onprem.updates.worker import UpdatesWorker

from .conftest import ready


def test_a_job_that_cannot_be_judged_is_logged_and_the_others_are_sent(release_cached, caplog):
    release = release_cached("1.1.0")
    broken = Campaign.objects.create(
        cloud_campaign=1,
        release=release,
        state="running",
        revision=1,
        target={"carts": 1},
        window={"start": "25:99", "end": "nonsense"},
    )
    ready("cart-001", "cart-002")
    create_job(
        kind="cart",
        device_id="cart-001",
        release=release,
        campaign=broken,
        requested_by="campaign:1",
        why="picked",
    )
    create_job(
        kind="cart", device_id="cart-002", release=release, requested_by="staff:stella", why="asked"
    )

    assert jobs.dispatch() == 1

    assert UpdateJob.objects.get(device_id="cart-002").state == "sent"
    assert UpdateJob.objects.get(device_id="cart-001").state == "waiting"
    assert "could not be dispatched" in caplog.text


def test_a_campaign_that_cannot_be_read_is_logged_and_the_pass_goes_on(release_cached, caplog):
    release = release_cached("1.1.0")
    Campaign.objects.create(
        cloud_campaign=1, release=release, state="running", revision=1, target={"carts": "all"}
    )
    Campaign.objects.create(
        cloud_campaign=2, release=release, state="running", revision=1, target={"carts": 1}
    )
    ready("cart-001")

    UpdatesWorker().run_once()

    assert "campaign 1: its devices could not be picked" in caplog.text
    job = UpdateJob.objects.get()
    assert (job.campaign.cloud_campaign, job.state) == (
        2,
        "sent",
    )  # picked, then sent in the same pass
