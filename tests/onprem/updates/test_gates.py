"""A waiting job is sent only when every gate passes; otherwise it says which one holds it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onprem.commands.models import Command
from onprem.fleet.models import Cart
from onprem.updates import jobs
from onprem.updates.jobs import create_job
from onprem.updates.models import Campaign, UpdateJob

from .conftest import announce, build, ready


def job_for(release, cart="cart-001", **fields) -> UpdateJob:
    return create_job(
        kind="cart",
        device_id=cart,
        release=release,
        requested_by="staff:stella",
        why="test",
        **fields,
    )


def window_not_now() -> str:
    later = timezone.localtime() + timedelta(hours=2)
    return f"{later:%H}:00-{(later + timedelta(hours=1)):%H}:00"


def test_it_sends_ota_install_when_every_gate_passes(release_cached):
    release = release_cached("1.1.0")
    ready("cart-001")
    job = job_for(release)

    assert jobs.dispatch() == 1

    job.refresh_from_db()
    command = Command.objects.get(pk=job.command_id)
    assert (job.state, job.waiting_reason, job.from_version) == ("sent", "", "1.0.0")
    assert (command.kind, command.device_id, command.command) == ("cart", "cart-001", "ota.install")
    assert command.args["job"] == job.pk
    assert command.args["manifest"] == release.manifest
    assert (
        command.args["url"] == f"http://127.0.0.1:8000/api/v1/updates/artifacts/{release.sha256}/"
    )


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("never reported", "offline"),
        ("in session", "in_session"),
        ("not docked", "not_docked"),
        ("not charging", "not_charging"),
        ("battery 29 %", "battery_low"),
        ("outside window", "outside_window"),
    ],
)
def test_it_says_which_gate_holds_a_cart(release_cached, settings, setup, code):
    release = release_cached("1.1.0")
    if setup != "never reported":
        reading = {
            "not docked": {"rack": None},
            "not charging": {"charging": False, "soc": 80.0},
            "battery 29 %": {"soc": 29.0},
        }.get(setup, {})
        ready("cart-001", **reading)
    if setup == "in session":
        Cart.objects.filter(device_id="cart-001").update(in_session=True)
    if setup == "outside window":
        settings.OTA_WINDOW = window_not_now()
    job = job_for(release)

    assert jobs.dispatch() == 0

    job.refresh_from_db()
    assert job.state == "waiting"
    assert job.waiting_reason.startswith(f"{code}: ")
    assert len(job.waiting_reason) > len(code) + 10  # a sentence for the person looking
    assert not Command.objects.exists()


def test_it_lets_an_override_skip_the_window_but_never_the_battery_floor(release_cached, settings):
    release = release_cached("1.1.0")
    settings.OTA_WINDOW = window_not_now()
    ready("cart-001", "cart-002")
    ready("cart-002", slot=2, soc=12.0)
    allowed = job_for(release, "cart-001", override_window=True)
    low = job_for(release, "cart-002", override_window=True)

    jobs.dispatch()

    allowed.refresh_from_db(), low.refresh_from_db()
    assert allowed.state == "sent"
    assert (low.state, low.waiting_code) == ("waiting", "battery_low")


def test_it_waits_for_the_artifact_and_for_a_paused_campaign(store, tmp_path, release_cached):
    manifest, _ = build(store, tmp_path, "1.2.0")
    pending = announce(manifest, cloud_id=7)
    cached = release_cached("1.1.0", cloud_id=8)
    paused = Campaign.objects.create(
        cloud_campaign=3, release=cached, state="paused", revision=2, target={"carts": 3}
    )
    ready("cart-001", "cart-002")
    waits_for_bytes = job_for(pending, "cart-001")
    waits_for_resume = job_for(cached, "cart-002", campaign=paused)

    jobs.dispatch()

    waits_for_bytes.refresh_from_db(), waits_for_resume.refresh_from_db()
    assert waits_for_bytes.waiting_code == "artifact_pending"
    assert waits_for_resume.waiting_code == "campaign_paused"


def test_it_checks_the_gates_again_before_each_send(release_cached):
    release = release_cached("1.1.0")
    ready("cart-001", soc=10.0)
    job = job_for(release)
    jobs.dispatch()
    job.refresh_from_db()
    assert job.waiting_code == "battery_low"

    ready("cart-001", soc=60.0)
    jobs.dispatch()

    job.refresh_from_db()
    assert (job.state, job.waiting_reason) == ("sent", "")
    assert list(job.transitions.values_list("to_state", flat=True)) == ["waiting", "sent"]


def test_a_waiting_job_of_a_cart_that_runs_the_version_already_succeeds_without_a_send(
    release_cached,
):
    release = release_cached("1.1.0")
    ready("cart-001")
    job = job_for(release)
    ready("cart-001", firmware="1.1.0")  # e.g. an install that ended after its command expired

    assert jobs.dispatch() == 0

    job.refresh_from_db()
    assert (job.state, job.percent) == ("succeeded", 100)
    assert job.transitions.last().reason == "the cart reports 1.1.0 already: nothing to install"
    assert not Command.objects.exists()


def test_it_takes_a_full_cart_on_its_charger_though_it_draws_no_current(release_cached):
    release = release_cached("1.1.0")
    ready("cart-001", charging=False, soc=100.0)
    job = job_for(release)

    assert jobs.dispatch() == 1

    job.refresh_from_db()
    assert job.state == "sent"
