"""A store's software page: what it runs (its heartbeat), the update under way, the last ones."""

from __future__ import annotations

from cloud.software import services
from cloud.software.models import StoreUpdate

from .conftest import add_store


def test_it_shows_the_version_the_store_reports_and_its_update_under_way(
    ops_api, onprem_release, stores
):
    old = services.start_rollout(onprem_release("0.1.5"), ["store-001"], "ops")
    StoreUpdate.objects.filter(rollout=old).update(state="rolled_back", reason="health check")
    services.finish_if_done([old.pk])
    new = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")
    StoreUpdate.objects.filter(rollout=new).update(state="migrating", step="backup taken")

    response = ops_api.get("/api/v1/stores/store-001/software/")

    assert response.status_code == 200
    body = response.json()
    assert (body["store"], body["version"], body["protocol"]) == ("store-001", "0.1.0", 1)
    assert body["current"]["rollout"] == new.pk
    assert (body["current"]["state"], body["current"]["step"]) == ("migrating", "backup taken")
    assert [(u["rollout"], u["state"]) for u in body["updates"]] == [
        (new.pk, "migrating"),
        (old.pk, "rolled_back"),
    ]


def test_a_store_that_never_said_what_it_runs_has_no_version(ops_api, db):
    add_store("store-009", version=None)

    body = ops_api.get("/api/v1/stores/store-009/software/").json()

    assert (body["version"], body["protocol"], body["current"], body["updates"]) == (
        None,
        None,
        None,
        [],
    )


def test_an_unknown_store_is_a_404(ops_api, db):
    response = ops_api.get("/api/v1/stores/store-404/software/")

    assert response.status_code == 404 and response.json()["error"] == "not_found"
