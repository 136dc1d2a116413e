"""Remote actions from a store's page: each button queues a store command in the name of the
ops user who pressed it (the audit), and the page shows its state and answer."""

from __future__ import annotations

from cloud.commands.models import StoreCommand
from cloud.commands.services import record_store_ack


def test_it_queues_the_action_in_the_name_of_who_pressed_it(ops, fleet):
    response = ops.post(
        "/console/stores/store-ok/actions/",
        {"action": "action.logs", "component": "ingest", "lines": 50},
        follow=True,
    )

    command = StoreCommand.objects.get(store=fleet["ok"])
    assert (command.name, command.args, command.requested_by) == (
        "action.logs",
        {"component": "ingest", "lines": 50},
        "olga",
    )
    assert "action.logs sent to store-ok" in response.content.decode()


def test_it_shows_the_stores_answer(ops, fleet):
    ops.post("/console/stores/store-ok/actions/", {"action": "ping"})
    command = StoreCommand.objects.get(store=fleet["ok"])
    record_store_ack(
        store=fleet["ok"], command_id=command.pk, state="done", result={"version": "0.3.0"}
    )

    html = ops.get("/console/stores/store-ok/").content.decode()
    polled = ops.get("/console/stores/store-ok/commands.json").json()["commands"]

    assert f'data-command="{command.pk}" data-state="done"' in html
    assert "&quot;version&quot;: &quot;0.3.0&quot;" in html
    assert polled[0]["state"] == "done" and polled[0]["result"] == {"version": "0.3.0"}


def test_it_refuses_a_restart_without_a_component(ops, fleet):
    response = ops.post(
        "/console/stores/store-ok/actions/", {"action": "action.restart"}, follow=True
    )

    assert "This action needs a component" in response.content.decode()
    assert not StoreCommand.objects.exists()


def test_it_refuses_an_action_that_is_not_a_remote_action(ops, fleet):
    response = ops.post("/console/stores/store-ok/actions/", {"action": "ota.release"}, follow=True)

    assert "Select a valid choice" in response.content.decode()
    assert not StoreCommand.objects.exists()
