"""Pause, resume, abort, approve: each a new revision sent to every store, and audited."""

from __future__ import annotations

import pytest

from cloud.commands.models import StoreCommand
from cloud.releases.models import Campaign, CampaignAction


@pytest.fixture
def campaign(ops_api, release, stores) -> int:
    response = ops_api.post(
        "/api/v1/campaigns/", {"release": release.pk, "stores": "all"}, format="json"
    )
    return response.json()["id"]


def act(ops_api, campaign: int, action: str):
    return ops_api.post(f"/api/v1/campaigns/{campaign}/{action}/")


def last_sent(store: str = "store-001") -> dict:
    return (
        StoreCommand.objects.filter(name="ota.campaign", store__code=store)
        .order_by("-args__revision")
        .first()
        .args
    )


def test_it_pauses_and_resumes(ops_api, campaign):
    paused = act(ops_api, campaign, "pause").json()

    assert (paused["state"], paused["revision"]) == ("paused", 2)
    assert paused["paused_reason"] == "paused by ops"
    assert (last_sent()["state"], last_sent()["revision"]) == ("paused", 2)

    resumed = act(ops_api, campaign, "resume").json()

    assert (resumed["state"], resumed["revision"], resumed["paused_reason"]) == ("running", 3, "")
    assert last_sent("store-003")["state"] == "running"
    assert [a.action for a in CampaignAction.objects.order_by("at", "id")] == [
        "start",
        "pause",
        "resume",
    ]
    assert CampaignAction.objects.get(action="pause").by == "ops"


def test_it_aborts_and_then_refuses_to_resume(ops_api, campaign):
    assert act(ops_api, campaign, "abort").json()["state"] == "aborted"
    assert last_sent()["state"] == "aborted"

    response = act(ops_api, campaign, "resume")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"campaign {campaign} is aborted: it cannot be resumed (only when paused)"
    )


def test_it_approves_only_a_campaign_waiting_for_approval(ops_api, campaign):
    response = act(ops_api, campaign, "approve")

    assert response.status_code == 409
    assert "only when waiting_approval" in response.json()["detail"]

    Campaign.objects.filter(pk=campaign).update(state="waiting_approval")
    approved = act(ops_api, campaign, "approve").json()

    assert (approved["state"], approved["phase"]) == ("running", 2)
    assert (last_sent()["phase"], last_sent()["target"]) == (2, {"percent": 10})


def test_it_answers_404_for_an_unknown_campaign(ops_api):
    assert act(ops_api, 999, "pause").status_code == 404
