"""Ops start a campaign from the console's form and land on its live page."""

from __future__ import annotations

from cloud.commands.models import StoreCommand
from cloud.releases.models import Campaign
from cloud.releases.services import upload_release
from cloud.stores.services import register_store


def test_it_starts_a_campaign_from_the_form(ops_page, cloud_server, build):
    for code in ("store-001", "store-002", "store-003"):
        register_store(code=code, name=code)
    manifest, artifact = build("1.1.0")
    release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="olga"
    )

    ops_page.goto(f"{cloud_server}/console/campaigns/new/")
    ops_page.select_option("#id_release", str(release.pk))
    ops_page.fill("#id_name", "Spring scanner fix")
    ops_page.check("input[name=store_mode][value=list]")
    ops_page.check("input[name=stores][value=store-001]")
    ops_page.check("input[name=stores][value=store-003]")
    ops_page.fill("#id_phases", "1 cart, 50 %, 100 %")
    ops_page.fill("#id_window_start", "22:00")
    ops_page.fill("#id_window_end", "05:30")
    ops_page.fill("#id_store_windows", "store-003 01:00-04:00")
    ops_page.click("#campaign-form button[type=submit]")

    campaign = Campaign.objects.get()
    ops_page.wait_for_url(f"{cloud_server}/console/campaigns/{campaign.pk}/")
    assert ops_page.locator("h1").inner_text().startswith("Spring scanner fix")
    assert ops_page.locator("#campaign-state").inner_text() == "running"
    assert ops_page.locator("#stores .bar-row").evaluate_all(
        "rows => rows.map(r => r.dataset.store)"
    ) == ["store-001", "store-003"]
    assert ops_page.locator("#phases .bar-row").count() == 3
    assert campaign.phases == [{"carts": 1}, {"percent": 50}, {"percent": 100}]
    sent = StoreCommand.objects.filter(name="ota.campaign")
    assert sorted(c.store.code for c in sent) == ["store-001", "store-003"]
    windows = {c.store.code: c.args["window"] for c in sent}
    assert windows == {
        "store-001": {"start": "22:00", "end": "05:30"},
        "store-003": {"start": "01:00", "end": "04:00"},
    }


def test_it_shows_why_a_campaign_cannot_start(ops_page, cloud_server, build):
    register_store(code="store-001", name="One")
    manifest, artifact = build("1.1.0")
    release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="olga"
    )

    ops_page.goto(f"{cloud_server}/console/campaigns/new/")
    ops_page.select_option("#id_release", str(release.pk))
    ops_page.fill("#id_phases", "50 %, 10 %")
    ops_page.click("#campaign-form button[type=submit]")

    alert = ops_page.locator("#campaign-form .error-box")
    alert.wait_for()
    assert "phase 2 takes fewer percent (10) than an earlier phase (50)" in alert.inner_text()
    assert not Campaign.objects.exists()
