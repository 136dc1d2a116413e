from __future__ import annotations

import copy
import uuid

from cloud.commands.models import StoreCommand
from cloud.stores.models import Store

COMMANDS = "/api/v1/stores/store-001/commands/"


CAPACITY = 5


def test_it_keeps_a_command_it_cannot_hand_to_the_tunnel_and_still_answers_202(
    ops_api, store_key, settings
):
    # A tunnel that stopped reading: its channel fills up and refuses more. (A small capacity
    # for the test; the same layer, in memory or on Redis, as configured.)
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"].setdefault("CONFIG", {})["capacity"] = CAPACITY
    settings.CHANNEL_LAYERS = layers  # Channels drops its layer instances on this change
    Store.objects.filter(code="store-001").update(tunnel_channel=f"stalled-{uuid.uuid4().hex}")

    answers = [ops_api.post(COMMANDS, {"name": "ping"}, format="json") for _ in range(CAPACITY + 1)]

    assert {a.status_code for a in answers} == {202}
    last = StoreCommand.objects.get(pk=answers[-1].json()["id"])
    assert last.state == "pending" and last.attempts == 0 and last.sent_at is None
    assert StoreCommand.objects.filter(state="sent").count() == CAPACITY
