"""No more devices install at once than SMARTCART_OTA_CONCURRENCY; the rest wait and say so,
and go as places free up."""

from __future__ import annotations

from onprem.updates import jobs
from onprem.updates.choices import JobState
from onprem.updates.jobs import create_job
from onprem.updates.machine import move
from onprem.updates.models import UpdateJob

from .conftest import ready


def test_it_sends_no_more_than_the_limit_and_the_next_when_one_finishes(release_cached, settings):
    settings.OTA_CONCURRENCY = 2
    release = release_cached("1.1.0")
    ready("cart-001", "cart-002", "cart-003")
    for cart in ("cart-001", "cart-002", "cart-003"):
        create_job(
            kind="cart", device_id=cart, release=release, requested_by="staff:stella", why="test"
        )

    assert jobs.dispatch() == 2
    waiting = UpdateJob.objects.get(state="waiting")
    assert waiting.device_id == "cart-003"  # the oldest go first
    assert waiting.waiting_reason == "concurrency: 2 devices are installing already"
    assert jobs.dispatch() == 0

    done = UpdateJob.objects.get(device_id="cart-001")
    move(done, JobState.SUCCEEDED, why="the cart reported succeeded", by="cart:cart-001")
    assert jobs.dispatch() == 1
    assert UpdateJob.objects.get(device_id="cart-003").state == "sent"
