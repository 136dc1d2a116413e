"""Ops pause a campaign with its button, and resume it."""

from __future__ import annotations

from cloud.commands.models import StoreCommand
from cloud.releases.campaigns import create_campaign
from cloud.releases.models import Campaign, CampaignAction
from cloud.releases.services import upload_release
from cloud.stores.services import register_store


def test_it_pauses_and_resumes_with_the_buttons(ops_page, cloud_server, build):
    register_store(code="store-001", name="One")
    manifest, artifact = build("1.1.0")
    release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="olga"
    )
    campaign = create_campaign(release=release, stores="all", created_by="olga")
    ops_page.goto(f"{cloud_server}/console/campaigns/{campaign.pk}/")

    ops_page.click("#button-pause")

    ops_page.wait_for_selector(".messages li")
    assert (
        "Campaign paused: stores start no new install."
        in ops_page.locator(".messages").inner_text()
    )
    assert ops_page.locator("#campaign-state").inner_text() == "paused"
    assert ops_page.locator("#paused-reason").inner_text() == "Paused: paused by olga"
    assert Campaign.objects.get(pk=campaign.pk).state == "paused"
    assert CampaignAction.objects.filter(action="pause", by="olga").count() == 1
    latest = StoreCommand.objects.filter(name="ota.campaign").order_by("-created_at").first()
    assert (latest.args["state"], latest.args["revision"]) == ("paused", 2)

    ops_page.click("#button-resume")

    ops_page.locator("#campaign-state[data-state=running]").wait_for()
    assert not ops_page.locator("#paused-reason").is_visible()
    assert ops_page.locator("#actions tbody tr td:nth-child(2)").all_inner_texts() == [
        "resumed",
        "paused",
        "started",
    ]
    assert Campaign.objects.get(pk=campaign.pk).state == "running"
