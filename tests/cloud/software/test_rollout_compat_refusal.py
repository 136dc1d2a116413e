"""A store that the update would break is refused, with the reason, and gets no command."""

from __future__ import annotations

from cloud.commands.models import StoreCommand
from cloud.software import services
from cloud.software.models import Rollout, StoreUpdate

from .conftest import add_store


def start(ops_api, release, codes):
    response = ops_api.post(
        "/api/v1/rollouts/", {"release": release.pk, "stores": codes}, format="json"
    )
    assert response.status_code == 201, response.content
    return {u["store"]: u for u in response.json()["updates"]}, response.json()


def test_it_refuses_a_store_whose_carts_run_firmware_the_target_does_not_take(
    ops_api, onprem_release, db
):
    add_store("store-001", carts={"1.0.0": 20, "0.9.0": 24})
    add_store("store-002", carts={"1.0.0": 5})

    updates, _ = start(ops_api, onprem_release("0.2.0"), ["store-001", "store-002"])

    assert updates["store-001"]["state"] == "refused"
    assert updates["store-001"]["reason"] == (
        "on-prem 0.2.0 does not accept cart-v1 firmware 0.9.0 (it takes 1.0.0 up to but not "
        "2.0.0), which 24 carts of store-001 run"
    )
    assert updates["store-002"]["state"] == "pending"
    assert list(StoreCommand.objects.values_list("store__code", flat=True)) == ["store-002"]


def test_it_refuses_a_version_the_compatibility_table_does_not_describe(
    ops_api, onprem_release, db
):
    add_store("store-001")

    updates, rollout = start(ops_api, onprem_release("1.0.0"), ["store-001"])

    assert "not in the compatibility table" in updates["store-001"]["reason"]
    assert rollout["state"] == "finished"  # every store's update is final: nothing to wait for
    assert not StoreCommand.objects.exists()


def test_it_refuses_a_store_already_on_that_version_or_newer(ops_api, onprem_release, db):
    add_store("store-001", version="0.2.0")
    add_store("store-002", version="0.3.0")

    updates, _ = start(ops_api, onprem_release("0.2.0"), ["store-001", "store-002"])

    assert (
        updates["store-001"]["reason"]
        == "store-001 already runs on-prem 0.2.0, not older than 0.2.0"
    )
    assert (
        updates["store-002"]["reason"]
        == "store-002 already runs on-prem 0.3.0, not older than 0.2.0"
    )


def test_it_refuses_a_store_that_never_said_what_it_runs(ops_api, onprem_release, db):
    add_store("store-001", version=None)

    updates, _ = start(ops_api, onprem_release("0.2.0"), ["store-001"])

    assert updates["store-001"]["state"] == "refused"
    assert "has not reported its on-prem version" in updates["store-001"]["reason"]


def test_it_refuses_a_store_another_rollout_is_still_updating(ops_api, onprem_release, db):
    add_store("store-001")
    first = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")

    updates, _ = start(ops_api, onprem_release("0.3.0"), ["store-001"])

    assert updates["store-001"]["reason"] == (
        f"store-001 is already being updated by rollout {first.pk} (pending): "
        "abort it or let it finish first"
    )
    assert StoreCommand.objects.count() == 1
    assert Rollout.objects.get(pk=first.pk).state == "running"
    assert StoreUpdate.objects.filter(state="refused").count() == 1
