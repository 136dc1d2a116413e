"""What becomes of a job whose ota.install the device never took or refused, and of a job the
device stopped talking about."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onprem.commands.models import Command
from onprem.updates import jobs
from onprem.updates.jobs import create_job
from onprem.updates.models import UpdateJob

from .conftest import ready


@pytest.fixture
def sent_job(release_cached) -> UpdateJob:
    ready("cart-001")
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=release_cached("1.1.0"),
        requested_by="staff:stella",
        why="test",
    )
    jobs.dispatch()
    job.refresh_from_db()
    return job


def end_command(job: UpdateJob, state: str, error: str = "") -> None:
    Command.objects.filter(pk=job.command_id).update(
        state=state, result={"error": error} if error else {}
    )


def test_an_expired_install_goes_back_to_the_gates(sent_job):
    end_command(sent_job, "expired", "expired: the device did not answer in time")

    assert jobs.follow_commands() == 1

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.command_id) == ("waiting", "")
    assert jobs.dispatch() == 1  # the cart is still ready: a new command goes
    sent_job.refresh_from_db()
    assert sent_job.state == "sent"
    assert Command.objects.filter(command="ota.install").count() == 2


def test_a_refused_install_fails_the_job_with_the_devices_reason(sent_job):
    end_command(
        sent_job, "failed", "not_newer: version 1.1.0 is not newer than 1.1.0, the version deployed"
    )

    jobs.follow_commands()

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.reason) == ("failed", "not_newer")
    assert sent_job.detail.startswith("not_newer: version 1.1.0")


def test_a_job_without_progress_for_too_long_fails_as_stalled(sent_job):
    assert jobs.time_out_stalled(now=timezone.now()) == 0

    assert jobs.time_out_stalled(now=timezone.now() + jobs.STALL_AFTER + timedelta(seconds=1)) == 1

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.reason) == ("failed", "stalled")
    assert "no progress from the cart for 15 minutes" in sent_job.detail


def test_a_job_whose_release_expired_while_it_waited_fails_as_expired(release_cached):
    release = release_cached("1.1.0")
    job = create_job(
        kind="cart", device_id="cart-001", release=release, requested_by="staff:stella", why="test"
    )
    type(release).objects.filter(pk=release.pk).update(
        expires=timezone.now() - timedelta(seconds=1)
    )

    assert jobs.dispatch() == 0

    job.refresh_from_db()
    assert (job.state, job.reason) == ("failed", "expired")
    assert job.detail.startswith("the release expired at 20")
    assert not Command.objects.exists()
