from __future__ import annotations

import pytest

from onprem.uplink.models import ReceivedCommand

from .conftest import start_uplink, stop, wait_for_store
from .store_commands_support import post_command, wait_for_command


@pytest.mark.e2e
def test_it_runs_a_command_sent_while_the_store_was_offline_once_it_connects(
    cloud, uplink_env, store_id
):
    queued = post_command(cloud, store_id, "ping")
    assert queued["state"] == "pending"

    uplink = start_uplink(uplink_env)
    try:
        done = wait_for_command(cloud, queued["id"], states=("done", "failed"), timeout=30)
        # A second connection of the same store: nothing is sent again.
        stop(uplink)
        uplink = start_uplink(uplink_env)
        wait_for_store(cloud, store_id, online=True, timeout=30)
    finally:
        stop(uplink)

    assert done["state"] == "done" and done["attempts"] == 1
    assert done["result"]["store"] == store_id and done["result"]["version"] == "0.1.0"
    record = ReceivedCommand.objects.get(pk=queued["id"])
    assert record.state == "done" and record.deliveries == 1
    assert wait_for_command(cloud, queued["id"], states=("done",), timeout=1)["attempts"] == 1
