"""ota.campaign from the cloud: the store picks its carts up to the cumulative target (the ones
that could install now first), the newest revision wins, paused means no new installs, aborted
cancels what waits and leaves what finished."""

from __future__ import annotations

import shutil

import pytest

from onprem.fleet.services import provision_device
from onprem.updates import artifacts, jobs, releases
from onprem.updates.choices import JobState
from onprem.updates.machine import move
from onprem.updates.models import Campaign, UpdateJob
from onprem.uplink.commands import registry
from smartcart.store_commands import check_command

from .conftest import build, ready


@pytest.fixture
def release_args(store, tmp_path) -> dict:
    manifest, artifact = build(store, tmp_path, "1.1.0")
    artifacts.cache_dir()
    shutil.copyfile(artifact, artifacts.cached_path(manifest["sha256"]))  # fetched already
    return {"release": 11, "manifest": manifest, "artifact_path": "/api/v1/releases/11/artifact/"}


def campaign(release_args, *, revision=1, state="running", phase=1, target=None) -> dict:
    args = {
        "campaign": 5,
        "revision": revision,
        "release": release_args,
        "state": state,
        "phase": phase,
        "target": target or {"carts": 1},
        "window": None,
        "observe_hours": 24,
    }
    return registry()["ota.campaign"](check_command("ota.campaign", args))


def picked() -> list[str]:
    return sorted(UpdateJob.objects.exclude(state="cancelled").values_list("device_id", flat=True))


def test_it_picks_a_cart_that_could_install_now_over_one_out_on_the_floor(release_args):
    ready("cart-002")  # docked, charging; cart-001 never reported (offline)
    answer = campaign(release_args, target={"carts": 1})

    assert answer["jobs"] == {"waiting": 1}
    assert picked() == ["cart-002"]
    job = UpdateJob.objects.get()
    assert (job.phase, job.requested_by, job.campaign.cloud_campaign) == (1, "campaign:5", 5)


def test_it_grows_to_the_cumulative_target_of_the_next_phase(release_args):
    for n in range(4, 11):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
    ready("cart-001")
    campaign(release_args, target={"carts": 1})

    campaign(release_args, revision=2, phase=2, target={"percent": 50})  # 5 of the store's 10 carts

    assert len(picked()) == 5
    assert "cart-001" in picked()  # phase 1's cart stays in; 4 more join
    assert UpdateJob.objects.filter(phase=2).count() == 4


def test_it_skips_carts_that_run_the_version_already(release_args):
    ready("cart-001", firmware="1.1.0")
    ready("cart-002")

    campaign(release_args, target={"percent": 100})

    assert picked() == ["cart-002", "cart-003"]


def test_it_ignores_an_older_revision(release_args):
    campaign(release_args, revision=3, state="paused")

    answer = campaign(release_args, revision=2, state="running", target={"percent": 100})

    assert answer["ignored"] is True
    assert Campaign.objects.get().state == "paused"
    assert picked() == []


def test_a_paused_campaign_starts_no_install_until_it_resumes(release_args):
    ready("cart-001")
    campaign(release_args)
    for release in releases.due_fetches():  # the worker's fetcher: the bytes are cached already
        releases.fetch_release(release)
    campaign(release_args, revision=2, state="paused")

    assert jobs.dispatch() == 0
    assert UpdateJob.objects.get().waiting_code == "campaign_paused"

    campaign(release_args, revision=3, state="running")
    assert jobs.dispatch() == 1


def test_an_abort_cancels_what_waits_and_keeps_what_finished(release_args):
    ready("cart-001", "cart-002")
    campaign(release_args, target={"carts": 3})
    done = UpdateJob.objects.get(device_id="cart-001")
    move(done, JobState.SENT, why="sent", by="worker")
    move(done, JobState.SUCCEEDED, why="the cart reported succeeded", by="cart:cart-001")
    running = UpdateJob.objects.get(device_id="cart-002")
    move(running, JobState.SENT, why="sent", by="worker")

    campaign(release_args, revision=2, state="aborted")

    states = dict(UpdateJob.objects.values_list("device_id", "state"))
    assert states == {"cart-001": "succeeded", "cart-002": "sent", "cart-003": "cancelled"}
    cancelled = UpdateJob.objects.get(device_id="cart-003").transitions.last()
    assert (cancelled.reason, cancelled.by) == ("campaign 5 aborted", "cloud:unknown")
    campaign(release_args, revision=3, state="aborted", target={"percent": 100})
    assert UpdateJob.objects.filter(state="waiting").count() == 0
