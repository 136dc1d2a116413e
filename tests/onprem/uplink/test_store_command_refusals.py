from __future__ import annotations

from onprem.uplink.commands import StoreCommandRefused
from onprem.uplink.models import ReceivedCommand

from .store_commands_support import Counted, ack_for


def test_it_answers_an_unknown_command_with_the_ones_it_knows(transactional_db):
    answer = ack_for("reboot", commands={"ping": Counted(), "fleet.summary": Counted()})

    assert answer["body"] == {
        "state": "failed",
        "result": {
            "error": "unknown store command 'reboot': the known commands are fleet.summary, ping"
        },
    }
    assert ReceivedCommand.objects.get(pk="cmd-1").state == "failed"


def test_it_answers_bad_args_with_a_sentence(transactional_db):
    ping = Counted()

    answer = ack_for("ping", {"loud": True}, commands={"ping": ping})

    assert ping.runs == 0
    assert answer["body"]["result"] == {"error": "ping takes no arguments, got loud"}


def test_it_refuses_a_command_that_expired_on_its_way(transactional_db):
    ping = Counted()

    answer = ack_for("ping", commands={"ping": ping}, expires_in=-1)

    assert ping.runs == 0
    assert answer["body"]["result"] == {"error": "the command expired before it reached the store"}


def test_it_sends_a_refusal_or_a_crash_back_as_a_failed_result(transactional_db):
    def refuse(args: dict) -> dict:
        raise StoreCommandRefused("not today", why="a rule")

    def crash(args: dict) -> dict:
        return 1 / 0

    refused = ack_for("ping", commands={"ping": refuse}, frame_id="c-r")
    crashed = ack_for("ping", commands={"ping": crash}, frame_id="c-c")

    assert refused["body"] == {"state": "failed", "result": {"error": "not today", "why": "a rule"}}
    assert crashed["body"] == {
        "state": "failed",
        "result": {"error": "the command failed: ZeroDivisionError: division by zero"},
    }
