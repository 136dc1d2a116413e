"""Abort: stores that have not taken the update never get it; those already updating finish."""

from __future__ import annotations

import asyncio

from cloud.commands.models import StoreCommand
from cloud.software import services
from cloud.software.models import Rollout, RolloutAction, StoreUpdate

from .conftest import answer_to, open_tunnel, report, step


def test_it_takes_back_the_commands_no_store_has_taken(ops_api, onprem_release, stores):
    rollout = services.start_rollout(onprem_release("0.2.0"), {"group": "north"}, "ops")
    # store-001's updater took the command and is installing.
    StoreCommand.objects.filter(store__code="store-001").update(state="done")
    StoreUpdate.objects.filter(store__code="store-001").update(state="installing")

    response = ops_api.post(f"/api/v1/rollouts/{rollout.pk}/abort/")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "aborted" and body["finished_at"]
    states = {u["store"]: (u["state"], u["reason"]) for u in body["updates"]}
    assert states["store-001"] == ("installing", "")  # its updater has it: it finishes
    assert states["store-002"][0] == "failed"
    assert states["store-002"][1] == (
        f"rollout {rollout.pk} was aborted by ops before the store took the update"
    )
    commands = dict(StoreCommand.objects.values_list("store__code", "state"))
    assert commands == {"store-001": "done", "store-002": "expired", "store-003": "expired"}
    abort = RolloutAction.objects.get(action="abort")
    assert (abort.by, abort.detail["stopped"]) == ("ops", ["store-002", "store-003"])


def test_an_aborted_rollouts_command_never_reaches_the_store(
    transactional_db, ops_api, onprem_release, stores
):
    rollout = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")
    ops_api.post(f"/api/v1/rollouts/{rollout.pk}/abort/")

    async def connect():
        comm, commands = await open_tunnel("store-001", stores["store-001"])
        await comm.disconnect()
        return commands

    assert asyncio.run(connect()) == []


def test_a_store_already_updating_still_reports_after_the_abort(
    transactional_db, ops_api, onprem_release, stores
):
    rollout = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")

    async def scenario():
        comm, [command] = await open_tunnel("store-001", stores["store-001"])
        await comm.send_to(text_data=ack_done(command["id"]))
        await asyncio.sleep(0.2)  # the ack is kept before ops press abort
        await asyncio.to_thread(ops_api.post, f"/api/v1/rollouts/{rollout.pk}/abort/")
        frame = report(step(rollout.pk, "switched", "2026-11-24T10:00:20Z"))
        await comm.send_to(text_data=frame.to_json())
        answer = await answer_to(comm, frame.id)
        await comm.disconnect()
        return answer

    assert asyncio.run(scenario())["type"] == "ack"
    assert StoreUpdate.objects.get().state == "switched"
    assert Rollout.objects.get().state == "aborted"


def test_it_refuses_to_abort_a_rollout_that_is_over(ops_api, onprem_release, stores):
    rollout = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")
    services.abort(rollout, "ops")

    response = ops_api.post(f"/api/v1/rollouts/{rollout.pk}/abort/")

    assert response.status_code == 409
    assert response.json()["detail"] == f"rollout {rollout.pk} is already aborted"


def ack_done(command_id: str) -> str:
    from smartcart import tunnel_frames as frames

    return frames.ack(command_id, state="done", result={"accepted": True}).to_json()


def test_a_store_still_installing_after_an_abort_gets_no_other_update(onprem_release, stores):
    first = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")
    StoreCommand.objects.update(state="done")
    StoreUpdate.objects.update(state="installing")
    services.abort(first, "ops")

    second = services.start_rollout(onprem_release("0.3.0"), ["store-001"], "ops")

    update = second.updates.get()
    assert update.state == "refused"
    assert f"already being updated by rollout {first.pk} (installing)" in update.reason
