"""Ops see each device's firmware and update history in a store."""

from __future__ import annotations

from cloud.releases.campaigns import create_campaign

from .conftest import job, report, send_reports


def test_it_lists_devices_with_their_version_and_history(
    transactional_db, ops_api, release, stores
):
    campaign = create_campaign(release=release, stores=["store-001"], created_by="ops")
    send_reports(
        "store-001",
        stores["store-001"],
        report(
            jobs=[
                job("cart-001", "rolled_back", campaign=campaign.pk, reason="healthcheck_failed"),
                job("cart-002", "downloading", campaign=campaign.pk, percent=10),
            ],
            firmware=[
                {"device": "cart-001", "kind": "cart", "version": "1.0.0"},
                {"device": "rack-01", "kind": "rack", "version": "2.0.0"},
            ],
        ),
    )

    body = ops_api.get("/api/v1/stores/store-001/firmware/").json()

    assert body["store"] == "store-001"
    devices = {d["device"]: d for d in body["devices"]}
    assert devices["cart-001"]["version"] == "1.0.0"
    assert devices["rack-01"] == {**devices["rack-01"], "version": "2.0.0", "history": []}
    [update] = devices["cart-001"]["history"]
    assert (update["campaign"], update["state"], update["reason"], update["to_version"]) == (
        campaign.pk,
        "rolled_back",
        "healthcheck_failed",
        "1.1.0",
    )
    assert devices["cart-002"]["version"] is None  # not reported yet, but its update shows


def test_it_answers_404_for_an_unknown_store(ops_api):
    response = ops_api.get("/api/v1/stores/store-404/firmware/")

    assert response.status_code == 404
