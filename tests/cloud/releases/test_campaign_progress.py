"""The campaign detail shows progress per phase, per store and per cart."""

from __future__ import annotations

from cloud.releases.campaigns import create_campaign

from .conftest import job, report, send_reports


def test_it_shows_progress_per_phase_store_and_cart(transactional_db, ops_api, release, stores):
    campaign = create_campaign(
        release=release,
        stores=["store-001", "store-002"],
        created_by="ops",
        phases=[{"carts": 1}, {"percent": 50}],
    )
    send_reports(
        "store-002",
        stores["store-002"],
        report(
            jobs=[
                job("cart-201", "downloading", campaign=campaign.pk, percent=35),
                job(
                    "cart-202",
                    "waiting",
                    campaign=campaign.pk,
                    waiting_reason="battery_low: 18 % is below the 30 % floor",
                ),
            ],
            campaigns=[{"campaign": campaign.pk, "carts_total": 6, "behaviour": {}}],
        ),
    )

    body = ops_api.get(f"/api/v1/campaigns/{campaign.pk}/").json()

    progress = body["progress"]
    assert [
        (p["phase"], p["needed"], p["finished"], p["current"]) for p in progress["phases_progress"]
    ] == [(1, 1, 0, True), (2, 3, 0, False)]
    by_store = {s["store"]: s for s in progress["stores_progress"]}
    assert by_store["store-002"]["devices_total"] == 6
    assert (by_store["store-002"]["needed"], by_store["store-002"]["in_progress"]) == (1, 2)
    assert by_store["store-001"]["devices_total"] is None  # not reported yet
    carts = {d["device"]: d for d in progress["devices"]}
    assert (carts["cart-201"]["state"], carts["cart-201"]["percent"]) == ("downloading", 35)
    assert carts["cart-202"]["waiting_reason"] == "battery_low: 18 % is below the 30 % floor"
    assert carts["cart-202"]["store"] == "store-002"
    assert progress["totals"]["states"] == {"downloading": 1, "waiting": 1}
    assert body["release"]["version"] == "1.1.0"


def test_it_lists_campaigns_newest_first(ops_api, release, stores, build):
    from cloud.releases.services import upload_release

    manifest, artifact = build("1.0.0", hardware="rack-v1")
    rack_release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
    )
    first = create_campaign(release=release, stores="all", created_by="ops")
    second = create_campaign(release=rack_release, stores="all", created_by="ops")

    listed = ops_api.get("/api/v1/campaigns/").json()["results"]

    assert [c["id"] for c in listed] == [second.pk, first.pk]
    assert listed[0]["release"]["hardware"] == "rack-v1"
