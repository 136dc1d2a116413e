"""A rollout that cannot start gets a 400 that says why, and nothing is queued."""

from __future__ import annotations

import pytest

from cloud.commands.models import StoreCommand
from cloud.releases.services import upload_release
from cloud.software.models import Rollout
from cloud.stores.models import StoreGroup


@pytest.fixture
def firmware(db, build):
    manifest, artifact = build("1.1.0")
    return upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
    )


@pytest.mark.parametrize(
    ("stores_", "words"),
    [
        (["store-001", "store-404"], "no such stores: store-404"),
        ([], "a non-empty list of store codes"),
        ({"group": "south"}, "no store group 'south'"),
        ({"group": "empty"}, "store group 'empty' has no stores"),
        ("all", "a non-empty list of store codes"),
        ([1, 2], "store codes (texts)"),
    ],
)
def test_it_refuses_stores_it_cannot_reach(ops_api, onprem_release, stores, stores_, words):
    StoreGroup.objects.create(name="empty")
    release = onprem_release("0.2.0")

    response = ops_api.post(
        "/api/v1/rollouts/", {"release": release.pk, "stores": stores_}, format="json"
    )

    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not Rollout.objects.exists() and not StoreCommand.objects.exists()


def test_it_refuses_device_firmware(ops_api, firmware, stores):
    response = ops_api.post(
        "/api/v1/rollouts/", {"release": firmware.pk, "stores": ["store-001"]}, format="json"
    )

    assert response.status_code == 400
    assert "is cart-v1 firmware: a rollout takes an onprem-v1 release" in response.json()["detail"]


def test_it_names_a_release_that_does_not_exist(ops_api, stores):
    response = ops_api.post(
        "/api/v1/rollouts/", {"release": 999, "stores": ["store-001"]}, format="json"
    )

    assert response.status_code == 400 and "release" in response.json()["fields"]


def test_the_store_commands_api_will_not_send_onprem_update_by_hand(
    ops_api, onprem_release, stores
):
    release = onprem_release("0.2.0")
    args = {"rollout": 1, "release": {"version": "0.2.0", "hardware": "onprem-v1"}}

    response = ops_api.post(
        "/api/v1/stores/store-001/commands/", {"name": "onprem.update", "args": args}, format="json"
    )

    assert response.status_code == 400
    assert "unknown store command" in response.json()["fields"]["name"][0]
    assert release.pk and not StoreCommand.objects.exists()
