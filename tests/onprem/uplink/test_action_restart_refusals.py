"""action.restart refuses the uplink (it carries the answer), unknown names and unrestartable parts."""

from __future__ import annotations

import os
import signal

import pytest

from onprem.uplink.actions import ACTIONS
from onprem.uplink.commands import StoreCommandRefused
from onprem.uplink.components import Component

from .remote_actions import demo_table, sleeper, stop


@pytest.fixture
def table(tmp_path, settings):
    settings.COMPONENTS = {
        **demo_table(tmp_path),
        "mariadb": Component(name="mariadb", log=tmp_path / "m.log"),
    }
    return settings.COMPONENTS


def refusal(args: dict) -> str:
    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.restart"](args)
    return str(refused.value)


def test_it_refuses_to_restart_the_uplink_that_carries_the_answer(table):
    proc = sleeper(table["uplink"].pidfile)
    try:
        message = refusal({"component": "uplink"})
    finally:
        alive = proc.poll() is None
        stop(proc)

    assert message == (
        "action.restart: uplink cannot be restarted remotely: the uplink carries this command "
        "and its answer; restart it on the store box"
    )
    assert alive


def test_it_refuses_a_component_whose_table_entry_has_no_restart(table):
    assert refusal({"component": "mariadb"}) == (
        "action.restart: mariadb cannot be restarted remotely: its table entry has no restart"
    )


@pytest.mark.parametrize("name", ["ingest; rm -rf /", "ingest && reboot", "$(reboot)", ["ingest"]])
def test_it_refuses_anything_but_a_known_name(table, name):
    assert refusal({"component": name}).startswith(
        f"action.restart: component {str(name)!r} is not one of"
    )


def test_it_refuses_extra_args(table):
    assert refusal({"component": "ingest", "argv": ["/bin/sh"]}) == (
        "action.restart does not take 'argv'; it takes component"
    )


def test_it_never_signals_its_own_process_whatever_a_pidfile_says(table):
    received = []
    # Should the guard break, the SIGTERM lands here and fails the test instead of ending pytest.
    previous = signal.signal(signal.SIGTERM, lambda *_: received.append(True))
    table["ingest"].pidfile.write_text(f"{os.getpid()}\n")
    try:
        result = ACTIONS["action.restart"]({"component": "ingest"})
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert received == []
    assert result["ok"] is False
    assert (
        result["detail"]
        == f"pid {os.getpid()} is this process, its supervisor or init: not signalled"
    )
