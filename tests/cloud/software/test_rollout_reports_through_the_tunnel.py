"""The store takes `onprem.update` down its tunnel and reports its steps in `software_report`
frames: each moves its update, in any order, at least once, and nothing moves a final one."""

from __future__ import annotations

import asyncio

import pytest

from cloud.software import services
from cloud.software.models import Rollout, StoreUpdate
from smartcart import tunnel_frames as frames

from .conftest import answer_to, open_tunnel, report, step


@pytest.fixture
def rollout(transactional_db, onprem_release, stores):
    return services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")


def exchange(key: str, *outgoing: frames.Frame) -> list[dict]:
    """Open store-001's tunnel, take what waits for it (ack each command done), send each
    frame; the cloud's answers."""

    async def scenario():
        comm, commands = await open_tunnel("store-001", key)
        for command in commands:
            assert command["body"]["name"] == "onprem.update"
            ack = frames.ack(command["id"], state="done", result={"accepted": True})
            await comm.send_to(text_data=ack.to_json())
        answers = []
        for frame in outgoing:
            await comm.send_to(text_data=frame.to_json())
            answers.append(await answer_to(comm, frame.id))
        await comm.disconnect()
        return answers

    return asyncio.run(scenario())


def update() -> StoreUpdate:
    return StoreUpdate.objects.get(store__code="store-001")


def test_each_step_moves_the_update_and_switched_finishes_the_rollout(rollout, stores, ops_api):
    steps = [
        report(step(rollout.pk, "downloading", "2026-11-24T10:00:00Z", step="fetching 40 %")),
        report(step(rollout.pk, "installing", "2026-11-24T10:00:05Z")),
        report(step(rollout.pk, "migrating", "2026-11-24T10:00:09Z", step="backup taken")),
        report(step(rollout.pk, "checking", "2026-11-24T10:00:12Z")),
    ]

    answers = exchange(stores["store-001"], *steps)

    assert [a["type"] for a in answers] == ["ack"] * 4
    assert [a["id"] for a in answers] == [f.id for f in steps]
    assert (update().state, update().step) == ("checking", "")
    detail = ops_api.get(f"/api/v1/rollouts/{rollout.pk}/").json()
    assert detail["state"] == "running"
    assert [h["state"] for h in detail["updates"][0]["history"]] == [
        "pending",
        "downloading",
        "installing",
        "migrating",
        "checking",
    ]

    exchange(stores["store-001"], report(step(rollout.pk, "switched", "2026-11-24T10:00:20Z")))

    assert update().state == "switched" and update().finished_at is not None
    assert Rollout.objects.get(pk=rollout.pk).state == "finished"
    assert ops_api.get(f"/api/v1/rollouts/{rollout.pk}/").json()["progress"]["final"] == 1


def test_an_older_step_arriving_late_only_joins_the_history(rollout, stores):
    exchange(
        stores["store-001"],
        report(step(rollout.pk, "installing", "2026-11-24T10:00:05Z")),
        report(step(rollout.pk, "downloading", "2026-11-24T10:00:01Z")),
    )

    assert update().state == "installing"
    assert [h["state"] for h in update().history][-2:] == ["downloading", "installing"]


def test_a_repeated_report_changes_nothing(rollout, stores):
    frame = report(step(rollout.pk, "downloading", "2026-11-24T10:00:00Z"))

    answers = exchange(stores["store-001"], frame, frame)

    assert [a["type"] for a in answers] == ["ack", "ack"]  # the store may resend until acked
    assert [h["state"] for h in update().history].count("downloading") == 1


def test_nothing_moves_an_update_after_its_final_state(rollout, stores):
    exchange(
        stores["store-001"],
        report(
            step(rollout.pk, "checking", "2026-11-24T10:00:12Z"),
            step(
                rollout.pk,
                "rolled_back",
                "2026-11-24T10:00:30Z",
                reason="health check failed: /healthz answered 500; database restored",
            ),
        ),
        report(step(rollout.pk, "switched", "2026-11-24T10:00:40Z")),
    )

    assert update().state == "rolled_back"
    assert update().reason == "health check failed: /healthz answered 500; database restored"
    assert Rollout.objects.get(pk=rollout.pk).state == "finished"


def test_it_skips_an_entry_for_another_stores_rollout_and_keeps_the_rest(
    rollout, stores, onprem_release
):
    other = services.start_rollout(onprem_release("0.3.0"), ["store-002"], "ops")

    [answer] = exchange(
        stores["store-001"],
        report(
            step(other.pk, "switched", "2026-11-24T10:00:00Z", version="0.3.0"),
            step(rollout.pk, "downloading", "2026-11-24T10:00:00Z"),
        ),
    )

    assert answer["type"] == "ack"
    assert StoreUpdate.objects.get(rollout=other).state == "pending"
    assert update().state == "downloading"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"updates": "downloading"}, "body.updates"),
        (
            {"updates": [{"rollout": "1", "version": "0.2.0", "state": "sent", "at": "x"}]},
            "rollout",
        ),
        ({"updates": [{"rollout": 1, "version": "0.2.0", "state": "done", "at": "x"}]}, "state"),
        (
            {"updates": [{"rollout": 1, "version": "0.2.0", "state": "sent", "at": "10:00"}]},
            "at",
        ),
    ],
)
def test_a_bad_report_gets_an_error_frame_naming_the_field(rollout, stores, ops_api, body, field):
    frame = frames.Frame(frames.SOFTWARE_REPORT, frames.new_id(), body, frames.now_iso())

    [answer] = exchange(stores["store-001"], frame)

    assert answer["type"] == "error" and answer["id"] == frame.id
    assert answer["body"]["code"] == "bad_software_report"
    assert field in answer["body"]["message"]
    # Nothing moved but the command the store took.
    detail = ops_api.get(f"/api/v1/rollouts/{rollout.pk}/").json()
    assert [h["state"] for h in detail["updates"][0]["history"]] == ["pending", "sent"]


def test_a_store_that_refuses_the_command_fails_its_update(rollout, stores, ops_api):
    async def scenario():
        comm, [command] = await open_tunnel("store-001", stores["store-001"])
        nack = frames.ack(
            command["id"], state="failed", result={"error": "unknown store command 'onprem.update'"}
        )
        await comm.send_to(text_data=nack.to_json())
        await comm.disconnect()

    asyncio.run(scenario())

    detail = ops_api.get(f"/api/v1/rollouts/{rollout.pk}/").json()
    assert detail["updates"][0]["state"] == "failed"
    assert detail["updates"][0]["reason"] == "unknown store command 'onprem.update'"
    assert detail["state"] == "finished"


def test_the_stores_own_pending_entry_does_not_take_back_sent(rollout, stores, ops_api):
    exchange(stores["store-001"])  # the store takes the command
    assert ops_api.get(f"/api/v1/rollouts/{rollout.pk}/").json()["updates"][0]["state"] == "sent"

    exchange(
        stores["store-001"],
        report(
            step(rollout.pk, "pending", "2026-11-24T10:00:00Z", step="accepted"),
            step(rollout.pk, "downloading", "2026-11-24T10:00:01Z", step="download"),
        ),
    )

    assert [h["state"] for h in update().history] == ["pending", "sent", "pending", "downloading"]
    assert (update().state, update().step) == ("downloading", "download")
