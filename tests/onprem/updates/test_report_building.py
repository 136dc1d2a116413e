"""The ota_report the uplink sends: changed jobs in the contract's shape, every device's firmware
on a connection's first report and then only changes, campaign behaviour (updated carts vs the
control group); what an ack covers is not sent again, what is not acked goes again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onprem.fleet.models import Cart, DeviceEvent
from onprem.shopping.models import HelpRequest, ShoppingSession
from onprem.updates import report
from onprem.updates.choices import JobState
from onprem.updates.jobs import create_job
from onprem.updates.machine import move
from onprem.updates.models import Campaign, UpdateJob
from tests.onprem.auth.conftest import person

from .conftest import ready


@pytest.fixture
def reporter() -> report.OtaReporter:
    return report.OtaReporter()


@pytest.fixture
def campaign(release_cached) -> Campaign:
    ready("cart-001", "cart-002", "cart-003")
    return Campaign.objects.create(
        cloud_campaign=9,
        release=release_cached("1.1.0", cloud_id=4),
        state="running",
        revision=1,
        phase=1,
        target={"carts": 1},
        observe_hours=24,
    )


def test_it_sends_changed_jobs_in_the_contracts_shape_until_acked(reporter, campaign):
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=campaign.release,
        campaign=campaign,
        requested_by="campaign:9",
        from_version="1.0.0",
        why="picked",
    )

    frame = reporter.next_frame()

    assert frame.type == "ota_report"
    (row,) = frame.body["jobs"]
    assert {k: v for k, v in row.items() if k != "updated_at"} == {
        "job": job.pk,
        "campaign": 9,
        "release": 4,
        "device": "cart-001",
        "kind": "cart",
        "phase": 1,
        "state": "waiting",
        "percent": None,
        "waiting_reason": "",
        "reason": "",
        "detail": "",
        "from_version": "1.0.0",
        "to_version": "1.1.0",
        "requested_by": "campaign:9",
    }
    assert row["updated_at"].endswith("Z")
    assert reporter.next_frame() is None  # on its way: not sent twice at once

    reporter.in_flight[frame.id].at -= report.RESEND_S  # no ack for a while
    again = reporter.next_frame()
    assert [j["job"] for j in again.body["jobs"]] == [job.pk]

    assert reporter.acked(again.id) is True
    assert reporter.next_frame() is None
    move(job, JobState.SENT, why="gates passed", by="worker")
    assert reporter.next_frame().body["jobs"][0]["state"] == "sent"


def test_it_sends_all_firmware_on_a_new_connection_and_then_only_changes(reporter, campaign):
    first = reporter.next_frame()
    assert {(f["device"], f["version"]) for f in first.body["firmware"]} == {
        ("cart-001", "1.0.0"),
        ("cart-002", "1.0.0"),
        ("cart-003", "1.0.0"),
    }
    reporter.acked(first.id)
    assert reporter.next_frame() is None

    ready("cart-002", slot=2, firmware="1.1.0")
    assert reporter.next_frame().body["firmware"] == [
        {"device": "cart-002", "kind": "cart", "version": "1.1.0"}
    ]

    reporter.new_connection()
    assert len(reporter.next_frame().body["firmware"]) == 3


def session(cart: str, user, start, hours: float) -> None:
    row = ShoppingSession.objects.create(
        shopper=user,
        cart=Cart.objects.get(device_id=cart),
        state="paid",
        ended_at=start + timedelta(hours=hours),
    )
    ShoppingSession.objects.filter(pk=row.pk).update(started_at=start)


def test_it_compares_updated_carts_with_the_control_group(reporter, campaign):
    now = timezone.now()
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=campaign.release,
        campaign=campaign,
        requested_by="campaign:9",
        why="picked",
    )
    move(job, JobState.SENT, why="sent", by="worker")
    move(job, JobState.SUCCEEDED, why="done", by="cart:cart-001")
    finished = now - timedelta(hours=2)
    UpdateJob.objects.filter(pk=job.pk).update(finished_at=finished)
    ada = person("ada")
    session("cart-001", ada, finished - timedelta(hours=1), 0.5)  # before the update: not counted
    session("cart-001", ada, finished + timedelta(minutes=10), 0.5)
    session("cart-002", ada, finished + timedelta(minutes=20), 1.0)
    session("cart-003", ada, finished + timedelta(minutes=30), 0.25)
    for n, cart in enumerate(["cart-001", "cart-001", "cart-002"]):
        DeviceEvent.objects.create(
            device_id=cart,
            kind="cart",
            boot_id="b",
            seq=n,
            ts=finished + timedelta(minutes=n + 1),
            event="fault_raised",
            data={"code": "E1"},
        )
    HelpRequest.objects.create(cart=Cart.objects.get(device_id="cart-003"), source="cart_button")

    (figures,) = reporter.next_frame().body["campaigns"]

    assert figures == {
        "campaign": 9,
        "carts_total": 3,
        "behaviour": {
            "updated": {
                "carts": 1,
                "use_hours": 0.5,
                "faults": 2,
                "sessions": 1,
                "help_requests": 0,
            },
            "control": {
                "carts": 2,
                "use_hours": 1.25,
                "faults": 1,
                "sessions": 2,
                "help_requests": 1,
            },
        },
    }


def test_it_keeps_reporting_a_finished_campaign_while_its_carts_are_watched(reporter, campaign):
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=campaign.release,
        campaign=campaign,
        requested_by="campaign:9",
        why="picked",
    )
    move(job, JobState.SENT, why="sent", by="worker")
    move(job, JobState.SUCCEEDED, why="done", by="cart:cart-001")
    Campaign.objects.filter(pk=campaign.pk).update(state="finished")

    assert [c["campaign"] for c in reporter.next_frame().body["campaigns"]] == [9]

    UpdateJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    assert report.observed_campaigns() == []
