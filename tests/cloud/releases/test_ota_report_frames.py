"""A store's ota_report through the real tunnel consumer: kept, acked, or refused with a reason."""

from __future__ import annotations

import asyncio

import pytest

from cloud.releases.campaigns import create_campaign
from cloud.releases.models import CampaignDevice, DeviceFirmware
from smartcart import tunnel_frames as frames

from .conftest import answer_to, job, open_tunnel, report, send_reports


@pytest.fixture
def campaign(transactional_db, release, stores):
    return create_campaign(release=release, stores=["store-001"], created_by="ops")


def test_it_keeps_each_job_and_acks_the_frame(campaign, stores):
    frame = report(
        jobs=[
            job("cart-001", "downloading", campaign=campaign.pk, percent=40),
            job(
                "cart-002",
                "waiting",
                campaign=campaign.pk,
                waiting_reason="in_session: a shopper is using the cart",
            ),
        ],
        firmware=[{"device": "cart-001", "kind": "cart", "version": "1.0.0"}],
    )

    [answer] = send_reports("store-001", stores["store-001"], frame)

    assert answer == {"v": 1, "type": "ack", "id": frame.id, "body": {}}
    rows = {d.device: d for d in CampaignDevice.objects.filter(campaign=campaign)}
    assert (rows["cart-001"].state, rows["cart-001"].percent) == ("downloading", 40)
    assert rows["cart-002"].waiting_reason == "in_session: a shopper is using the cart"
    assert rows["cart-001"].release_id == campaign.release_id
    assert DeviceFirmware.objects.get(device="cart-001").version == "1.0.0"


def test_it_updates_a_device_and_ignores_an_older_report_of_it(campaign, stores):
    newer = report(
        jobs=[
            job("cart-001", "installing", campaign=campaign.pk, updated_at="2026-11-24T10:00:05Z")
        ]
    )
    older = report(
        jobs=[
            job(
                "cart-001",
                "downloading",
                campaign=campaign.pk,
                percent=90,
                updated_at="2026-11-24T10:00:01Z",
            )
        ]
    )

    send_reports("store-001", stores["store-001"], newer, older)

    [row] = CampaignDevice.objects.filter(campaign=campaign)
    assert row.state == "installing"


def test_it_skips_a_job_of_a_campaign_the_store_is_not_in(campaign, stores):
    frame = report(jobs=[job("cart-001", "downloading", campaign=campaign.pk)])

    [answer] = send_reports("store-002", stores["store-002"], frame)

    assert answer["type"] == "ack"  # the store must not resend it forever
    assert not CampaignDevice.objects.exists()


def test_it_keeps_a_technicians_update_outside_any_campaign(release, stores, transactional_db):
    frame = report(
        jobs=[job("cart-007", "succeeded", campaign=None, phase=None, release=release.pk)]
    )

    send_reports("store-001", stores["store-001"], frame)

    row = CampaignDevice.objects.get(device="cart-007")
    assert (row.campaign, row.release, row.requested_by) == (None, release, "rack:rack-01")
    assert row.finished_at is not None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "bad ota_report: body must be an object"),
        ({"jobs": {}}, "bad ota_report: body.jobs must be a list of at most 200 objects"),
        (
            {"jobs": [{"device": "cart-001"}]},
            "bad ota_report: body.jobs[0].kind must be one of cart, rack",
        ),
        (
            {"jobs": [{**job("cart-001", "exploded", campaign=None)}]},
            "bad ota_report: body.jobs[0].state must be one of waiting, sent, downloading",
        ),
        (
            {"jobs": [{**job("cart-001", "downloading", campaign=None), "percent": 101}]},
            "bad ota_report: body.jobs[0].percent must be a number from 0 to 100 or null",
        ),
        (
            {"jobs": [{**job("cart-001", "waiting", campaign=None), "updated_at": "yesterday"}]},
            "bad ota_report: body.jobs[0].updated_at must be an ISO 8601 time with its zone",
        ),
        (
            {"campaigns": [{"campaign": 1, "carts_total": -1}]},
            "bad ota_report: body.campaigns[0].carts_total must be a whole number from 0 to 100000",
        ),
        (
            {"firmware": [{"device": "cart-001", "kind": "cart", "version": 7}]},
            "bad ota_report: body.firmware[0].version must be a text of 1-24 characters",
        ),
    ],
)
def test_it_answers_a_bad_report_with_an_error_and_keeps_the_tunnel(
    transactional_db, stores, body, message
):
    async def scenario():
        comm = await open_tunnel("store-001", stores["store-001"])
        frame = frames.Frame(frames.OTA_REPORT, "r-1", {} if body == [] else body)
        if body == []:
            raw = frame.to_dict() | {"body": {"jobs": "x"}}
            await comm.send_to(text_data=__import__("json").dumps(raw))
        else:
            await comm.send_to(text_data=frame.to_json())
        error = await answer_to(comm, "r-1")
        good = report()
        await comm.send_to(text_data=good.to_json())
        still_up = await answer_to(comm, good.id)
        await comm.disconnect()
        return error, still_up

    error, still_up = asyncio.run(scenario())

    assert error["type"] == "error"
    assert error["body"]["code"] == "bad_ota_report"
    if body != []:
        assert error["body"]["message"].startswith(message)
    assert still_up["type"] == "ack"
    assert not CampaignDevice.objects.exists()


def test_it_clips_long_sentences_and_rounds_a_fractional_percent(campaign, stores):
    frame = report(
        jobs=[
            job(
                "cart-001",
                "downloading",
                campaign=campaign.pk,
                percent=42.6,
                waiting_reason="w" * 400,
            )
        ]
    )

    [answer] = send_reports("store-001", stores["store-001"], frame)

    assert answer["type"] == "ack"
    row = CampaignDevice.objects.get(device="cart-001")
    assert (row.percent, len(row.waiting_reason)) == (43, 300)
