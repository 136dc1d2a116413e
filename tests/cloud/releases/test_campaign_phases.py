"""A phase done in every online store moves the campaign on: next phase, approval, finished."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from cloud.commands.models import StoreCommand
from cloud.releases.campaigns import act, create_campaign
from cloud.releases.models import Campaign

from .conftest import answer_to, job, open_tunnel, report, send_reports

PHASES = [{"carts": 1}, {"percent": 50}, {"percent": 100}]


def counts(campaign: int, total: int) -> dict:
    return {"campaign": campaign, "carts_total": total, "behaviour": {}}


def state_of(campaign) -> tuple[str, int]:
    row = Campaign.objects.get(pk=campaign.pk)
    return row.state, row.phase


def sent_to(store: str) -> dict:
    commands = StoreCommand.objects.filter(name="ota.campaign", store__code=store)
    return max((c.args for c in commands), key=lambda a: a["revision"])


@pytest.fixture
def campaign(transactional_db, release, stores):
    return create_campaign(
        release=release, stores=["store-001", "store-002"], created_by="ops", phases=PHASES
    )


def test_it_moves_to_the_next_phase_when_every_online_store_is_done(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            jobs=[job("cart-001", "succeeded", campaign=campaign.pk)],
            campaigns=[counts(campaign.pk, 4)],
        ),
    )
    # store-002 is offline (its tunnel closed): the phase does not wait for it.

    assert state_of(campaign) == ("running", 2)
    assert sent_to("store-002")["target"] == {"percent": 50}
    assert sent_to("store-001")["revision"] == 2


def test_it_waits_for_every_online_store(campaign, stores):
    async def scenario():
        other = await open_tunnel("store-002", stores["store-002"])  # online, nothing done yet
        comm = await open_tunnel("store-001", stores["store-001"])
        done = report(
            jobs=[job("cart-001", "succeeded", campaign=campaign.pk)],
            campaigns=[counts(campaign.pk, 4)],
        )
        await comm.send_to(text_data=done.to_json())
        await answer_to(comm, done.id)
        waiting = await database_sync_to_async(state_of)(campaign)
        finished = report(
            jobs=[job("cart-101", "succeeded", campaign=campaign.pk)],
            campaigns=[counts(campaign.pk, 2)],
        )
        await other.send_to(text_data=finished.to_json())
        await answer_to(other, finished.id)
        moved = await database_sync_to_async(state_of)(campaign)
        await comm.disconnect()
        await other.disconnect()
        return waiting, moved

    waiting, moved = asyncio.run(scenario())

    assert waiting == ("running", 1)
    assert moved == ("running", 2)


def test_it_waits_for_a_device_still_updating(campaign, stores):
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            jobs=[
                job("cart-001", "succeeded", campaign=campaign.pk),
                job(
                    "cart-002",
                    "waiting",
                    campaign=campaign.pk,
                    waiting_reason="not_docked: the cart is out on the floor",
                ),
            ],
            campaigns=[counts(campaign.pk, 4)],
        ),
    )

    assert state_of(campaign) == ("running", 1)


def test_it_waits_for_approval_and_finishes_after_the_last_phase(transactional_db, release, stores):
    campaign = create_campaign(
        release=release,
        stores=["store-001"],
        created_by="ops",
        phases=[{"carts": 1}, {"percent": 100}],
        approval=True,
    )
    key = stores["store-001"]

    send_reports(
        "store-001",
        key,
        report(
            jobs=[job("cart-001", "succeeded", campaign=campaign.pk)],
            campaigns=[counts(campaign.pk, 3)],
        ),
    )
    assert state_of(campaign) == ("waiting_approval", 1)
    assert sent_to("store-001")["state"] == "waiting_approval"

    act(campaign_id=campaign.pk, action="approve", by="ops")
    assert state_of(campaign) == ("running", 2)

    send_reports(
        "store-001",
        key,
        report(
            jobs=[job(f"cart-00{n}", "succeeded", campaign=campaign.pk, phase=2) for n in (2, 3)],
            campaigns=[counts(campaign.pk, 3)],
        ),
    )

    assert state_of(campaign) == ("finished", 2)
    assert sent_to("store-001")["state"] == "finished"
    assert Campaign.objects.get(pk=campaign.pk).finished_at is not None


def test_it_counts_devices_already_on_the_version_as_done(transactional_db, release, stores):
    # The store picks no job for a cart that already runs 1.1.0 (a technician updated it).
    campaign = create_campaign(
        release=release, stores=["store-001"], created_by="ops", phases=[{"percent": 100}]
    )

    send_reports(
        "store-001",
        stores["store-001"],
        report(
            jobs=[job(f"cart-00{n}", "succeeded", campaign=campaign.pk) for n in (1, 2)],
            campaigns=[counts(campaign.pk, 4)],
            firmware=[
                {"device": "cart-001", "kind": "cart", "version": "1.1.0"},
                {"device": "cart-002", "kind": "cart", "version": "1.1.0"},
                {"device": "cart-003", "kind": "cart", "version": "1.1.0"},
                {"device": "cart-004", "kind": "cart", "version": "1.2.0"},
            ],
        ),
    )

    assert state_of(campaign) == ("finished", 1)
