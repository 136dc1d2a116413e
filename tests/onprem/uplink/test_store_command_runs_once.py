from __future__ import annotations

import asyncio

from onprem.uplink.commands import CommandRunner
from onprem.uplink.models import ReceivedCommand

from .store_commands_support import Counted, command_frame, handle


def test_it_answers_a_repeated_id_from_its_record_without_running_it_again(transactional_db):
    ping = Counted()
    frame = command_frame("ping", frame_id="c-repeat")

    first = asyncio.run(handle(CommandRunner({"ping": ping}), frame))
    # A new runner: what a restarted uplink has. Only the database remembers the id.
    again = asyncio.run(handle(CommandRunner({"ping": ping}), frame))

    assert first == {
        "v": 1,
        "type": "ack",
        "id": "c-repeat",
        "body": {"state": "done", "result": {"run": 1}},
    }
    assert again == first and ping.runs == 1
    record = ReceivedCommand.objects.get(pk="c-repeat")
    assert record.state == "done" and record.result == {"run": 1} and record.deliveries == 2
    assert record.finished_at is not None


def test_it_waits_for_a_run_in_progress_instead_of_starting_a_second(transactional_db):
    slow = Counted(hold=0.5)
    runner = CommandRunner({"ping": slow})
    frame = command_frame("ping", frame_id="c-twice")

    async def scenario():
        return await asyncio.gather(handle(runner, frame), handle(runner, frame))

    first, second = asyncio.run(scenario())

    assert slow.runs == 1
    assert first == second and first["body"] == {"state": "done", "result": {"run": 1}}


def test_it_keeps_running_a_command_when_the_tunnel_drops_and_answers_the_resend(transactional_db):
    slow = Counted(hold=0.5)
    runner = CommandRunner({"ping": slow})
    frame = command_frame("ping", frame_id="c-drop")

    async def scenario():
        dropped = asyncio.create_task(handle(runner, frame))
        await asyncio.sleep(0.1)
        dropped.cancel()  # the uplink cancels frame handlers when the tunnel is lost
        return await handle(runner, frame)  # the cloud sends it again after the reconnect

    answer = asyncio.run(scenario())

    assert slow.runs == 1 and answer["body"] == {"state": "done", "result": {"run": 1}}
