from __future__ import annotations

from onprem.uplink.commands import INTERRUPTED
from onprem.uplink.models import ReceivedCommand

from .store_commands_support import Counted, ack_for


def test_it_does_not_run_again_a_command_a_stopped_store_left_running(transactional_db):
    # The store was killed mid-run: the record says running, and nothing in this process runs it.
    ReceivedCommand.objects.create(id="c-cut", name="ping", args={})
    ping = Counted()

    answer = ack_for("ping", frame_id="c-cut", commands={"ping": ping})

    assert ping.runs == 0
    assert answer["body"] == {"state": "failed", "result": {"error": INTERRUPTED}}
    assert ReceivedCommand.objects.get(pk="c-cut").state == "failed"
