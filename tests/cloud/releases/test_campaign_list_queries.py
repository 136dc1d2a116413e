"""The campaign and release lists cost the same few queries however many rows they show."""

from __future__ import annotations

from cloud.releases.campaigns import create_campaign
from cloud.releases.services import upload_release


def test_it_lists_campaigns_in_a_fixed_number_of_queries(
    ops_api, build, stores, django_assert_max_num_queries
):
    for n, hardware in enumerate(["cart-v1", "rack-v1"]):
        manifest, artifact = build(f"1.{n}.0", hardware=hardware)
        release = upload_release(
            manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
        )
        create_campaign(release=release, stores="all", created_by="ops")

    # token, its user's role, count, page, stores of the page (prefetched)
    with django_assert_max_num_queries(8):
        body = ops_api.get("/api/v1/campaigns/").json()

    assert body["count"] == 2
    assert all(c["stores"] == ["store-001", "store-002", "store-003"] for c in body["results"])
