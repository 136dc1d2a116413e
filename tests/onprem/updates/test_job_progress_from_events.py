"""A cart's `ota` events, stored by ingest, move its job: downloading %, installing, rebooting,
verifying, and how it ended. Only the job's own device moves it; a late event never moves it back."""

from __future__ import annotations

import pytest

from onprem.updates import jobs
from onprem.updates.jobs import create_job
from onprem.updates.models import UpdateJob

from .conftest import ingest, ota_event, ready


@pytest.fixture
def sent_job(release_cached) -> UpdateJob:
    ready("cart-001", "cart-002")
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=release_cached("1.1.0"),
        requested_by="staff:stella",
        why="test",
    )
    jobs.dispatch()
    job.refresh_from_db()
    assert job.state == "sent"
    return job


def ota(job, state, **data) -> dict:
    return {"job": job.pk, "state": state, "version": "1.1.0", "running": "1.0.0", **data}


def test_it_follows_a_cart_from_download_to_success(sent_job):
    ingest(ota_event("cart-001", 100, ota(sent_job, "downloading", percent=0)))
    ingest(ota_event("cart-001", 101, ota(sent_job, "downloading", percent=40)))
    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.percent) == ("downloading", 40)

    ingest(
        ota_event("cart-001", 102, ota(sent_job, "installing")),
        ota_event("cart-001", 103, ota(sent_job, "rebooting")),
        ota_event("cart-001", 104, ota(sent_job, "verifying", running="1.1.0"), boot="boot-b"),
        ota_event("cart-001", 105, ota(sent_job, "succeeded", running="1.1.0"), boot="boot-b"),
    )

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.percent) == ("succeeded", 100)
    assert sent_job.finished_at is not None
    assert list(sent_job.transitions.values_list("to_state", "by")) == [
        ("waiting", "staff:stella"),
        ("sent", "worker"),
        ("downloading", "cart:cart-001"),
        ("installing", "cart:cart-001"),
        ("rebooting", "cart:cart-001"),
        ("verifying", "cart:cart-001"),
        ("succeeded", "cart:cart-001"),
    ]


def test_it_keeps_the_reason_of_a_rollback(sent_job):
    ingest(
        ota_event(
            "cart-001",
            100,
            ota(
                sent_job,
                "rolled_back",
                reason="healthcheck_failed",
                detail="self-test failed: scanner driver did not start",
            ),
        )
    )

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.reason) == ("rolled_back", "healthcheck_failed")
    assert sent_job.detail == "self-test failed: scanner driver did not start"


def test_it_ignores_another_cart_speaking_of_the_job(sent_job):
    ingest(ota_event("cart-002", 100, ota(sent_job, "succeeded")))

    sent_job.refresh_from_db()
    assert sent_job.state == "sent"


def test_a_late_or_repeated_event_never_moves_a_job_back(sent_job):
    ingest(ota_event("cart-001", 100, ota(sent_job, "installing")))
    ingest(ota_event("cart-001", 99, ota(sent_job, "downloading", percent=90)))  # arrives late
    ingest(ota_event("cart-001", 100, ota(sent_job, "installing")))  # redelivered
    ingest(ota_event("cart-001", 101, ota(sent_job, "failed", reason="install_failed")))
    ingest(ota_event("cart-001", 102, ota(sent_job, "succeeded")))  # after the end

    sent_job.refresh_from_db()
    assert (sent_job.state, sent_job.reason) == ("failed", "install_failed")
    assert list(sent_job.transitions.values_list("to_state", flat=True)) == [
        "waiting",
        "sent",
        "installing",
        "failed",
    ]
