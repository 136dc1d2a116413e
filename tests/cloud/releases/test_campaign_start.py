"""Starting a campaign: which stores, which phases, windows; each store is told at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cloud.commands.models import StoreCommand
from cloud.releases.models import Campaign, Release
from cloud.stores.models import Store, StoreGroup


def start(ops_api, release_, **fields):
    body = {"release": release_.pk, "stores": "all", **fields}
    return ops_api.post("/api/v1/campaigns/", body, format="json")


def campaign_commands() -> dict[str, dict]:
    return {c.store.code: c.args for c in StoreCommand.objects.filter(name="ota.campaign")}


def test_it_starts_a_campaign_and_tells_every_store(ops_api, release, stores):
    response = start(
        ops_api,
        release,
        phases=[{"carts": 1}, {"percent": 50}],
        window={"start": "22:00", "end": "06:00"},
        windows={"store-002": {"start": "01:00", "end": "04:00"}},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["phase"], body["revision"]) == ("running", 1, 1)
    assert body["stores"] == ["store-001", "store-002", "store-003"]
    sent = campaign_commands()
    assert sorted(sent) == ["store-001", "store-002", "store-003"]
    one = sent["store-001"]
    assert (one["campaign"], one["revision"], one["state"], one["phase"]) == (
        body["id"],
        1,
        "running",
        1,
    )
    assert one["target"] == {"carts": 1}
    assert one["window"] == {"start": "22:00", "end": "06:00"}
    assert sent["store-002"]["window"] == {"start": "01:00", "end": "04:00"}
    assert one["release"]["artifact_path"] == release.artifact_path
    assert body["actions"][0]["action"] == "start"


def test_it_takes_default_phases_to_everyone(ops_api, release, stores):
    body = start(ops_api, release).json()

    assert body["phases"] == [{"carts": 1}, {"percent": 10}, {"percent": 100}]


def test_it_takes_a_list_of_stores(ops_api, release, stores):
    body = start(ops_api, release, stores=["store-003", "store-001"]).json()

    assert body["stores"] == ["store-001", "store-003"]
    assert sorted(campaign_commands()) == ["store-001", "store-003"]


def test_it_takes_a_store_group(ops_api, release, stores):
    group = StoreGroup.objects.create(name="north")
    group.stores.set(Store.objects.filter(code="store-002"))

    body = start(ops_api, release, stores={"group": "north"}).json()

    assert body["stores"] == ["store-002"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"stores": ["store-009"]}, "no such stores: store-009"),
        ({"stores": {"group": "nowhere"}}, "no store group 'nowhere'"),
        ({"stores": 7}, 'stores must be "all", a list of store codes, or {"group": name}'),
        ({"phases": [{"percent": 50}, {"percent": 10}]}, "phase 2 takes fewer percent"),
        ({"windows": {"store-009": {"start": "01:00", "end": "02:00"}}}, "outside the campaign"),
    ],
)
def test_it_refuses_a_campaign_it_cannot_run(ops_api, release, stores, fields, message):
    response = start(ops_api, release, **fields)

    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not Campaign.objects.exists()
    assert not campaign_commands()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phases": [{"carts": 1, "percent": 5}]}, "phases"),
        ({"phases": [{"cart": 1}]}, "phases"),
        ({"phases": []}, "phases"),
        ({"window": {"start": "25:00", "end": "01:00"}}, "window"),
        ({"max_failure_percent": 101}, "max_failure_percent"),
        ({"release": 999}, "release"),
    ],
)
def test_it_names_the_field_that_is_wrong(ops_api, release, stores, fields, field):
    response = start(ops_api, release, **fields)

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_it_refuses_an_expired_release(ops_api, release, stores):
    Release.objects.filter(pk=release.pk).update(expires=timezone.now() - timedelta(seconds=1))

    response = start(ops_api, release)

    assert response.status_code == 400
    assert "expired" in response.json()["detail"]


def test_it_refuses_a_second_open_campaign_of_the_same_hardware_in_a_store(
    ops_api, release, stores
):
    first = start(ops_api, release, stores=["store-001"]).json()

    response = start(ops_api, release, stores=["store-002", "store-001"])

    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        f"store store-001 is already in open campaign {first['id']} for cart-v1"
    )
