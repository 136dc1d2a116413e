"""A rollout to a store group: one `onprem.update` command per store, each update pending."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloud.commands.models import StoreCommand
from cloud.software import services
from cloud.software.models import Rollout, RolloutAction, StoreUpdate
from smartcart import store_commands


def test_it_queues_one_command_per_store_of_the_group(ops_api, onprem_release, stores):
    release = onprem_release("0.2.0")

    response = ops_api.post(
        "/api/v1/rollouts/",
        {"release": release.pk, "stores": {"group": "north"}, "note": "pilot"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "running"
    assert body["progress"]["stores"] == 3 and body["progress"]["by_state"]["pending"] == 3
    assert [u["store"] for u in body["updates"]] == ["store-001", "store-002", "store-003"]
    assert {(u["from_version"], u["to_version"]) for u in body["updates"]} == {("0.1.0", "0.2.0")}
    commands = StoreCommand.objects.filter(name="onprem.update").order_by("store__code")
    assert [c.store.code for c in commands] == ["store-001", "store-002", "store-003"]
    args = commands[0].args
    assert args["rollout"] == body["id"]
    assert args["release"]["url"] == f"/api/v1/releases/{release.pk}/artifact/"
    assert args["release"]["manifest"] == release.manifest
    assert store_commands.check_command("onprem.update", args) == args  # what the store checks
    assert {u.command_id for u in StoreUpdate.objects.all()} == {c.pk for c in commands}
    start = RolloutAction.objects.get(action="start")
    assert (start.by, start.detail["refused"]) == ("ops", [])


def test_a_list_of_codes_reaches_only_those_stores(ops_api, onprem_release, stores):
    release = onprem_release("0.2.0")

    response = ops_api.post(
        "/api/v1/rollouts/", {"release": release.pk, "stores": ["store-002"]}, format="json"
    )

    assert response.status_code == 201
    assert list(StoreCommand.objects.values_list("store__code", flat=True)) == ["store-002"]
    assert Rollout.objects.get().stores_asked == ["store-002"]


def test_the_list_shows_each_rollouts_progress(ops_api, onprem_release, stores):
    release = onprem_release("0.2.0")
    ops_api.post(
        "/api/v1/rollouts/", {"release": release.pk, "stores": ["store-001"]}, format="json"
    )

    response = ops_api.get("/api/v1/rollouts/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["release"]["version"] == "0.2.0"
    assert row["progress"] == {
        "stores": 1,
        "final": 0,
        "by_state": {**dict.fromkeys(StoreUpdate.State.values, 0), "pending": 1},
    }


def test_the_list_takes_the_same_queries_for_one_rollout_or_many(ops_api, onprem_release, stores):
    release = onprem_release("0.2.0")

    def queries_for_the_list() -> int:
        ops_api.get("/api/v1/rollouts/")  # the token and session rows are warm
        with CaptureQueriesContext(connection) as queries:
            assert ops_api.get("/api/v1/rollouts/").status_code == 200
        return len(queries)

    services.start_rollout(release, ["store-001"], "ops")
    one = queries_for_the_list()
    services.start_rollout(release, ["store-002"], "ops")
    services.start_rollout(release, ["store-003"], "ops")

    assert queries_for_the_list() == one
