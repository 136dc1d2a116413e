"""action.status: each component's process (from its pidfile) and the store's health checks."""

from __future__ import annotations

import os
import sys
import time

import pytest

from onprem.uplink.actions import ACTIONS
from onprem.uplink.components import Component

from .remote_actions import demo_table, sleeper, stop


@pytest.fixture
def table(tmp_path, settings):
    settings.COMPONENTS = demo_table(tmp_path)
    return settings.COMPONENTS


def by_name(result: dict) -> dict:
    return {c["name"]: c for c in result["components"]}


def test_it_shows_a_running_component_with_pid_uptime_and_memory(db, table):
    (table["ingest"].log).write_text("started\n")
    proc = sleeper(table["ingest"].pidfile)
    try:
        time.sleep(0.3)
        ingest = by_name(ACTIONS["action.status"]({}))["ingest"]
    finally:
        stop(proc)

    assert ingest["running"] is True
    assert ingest["pid"] == proc.pid
    assert ingest["uptime_s"] >= 0.2
    assert ingest["rss_bytes"] > 1_000_000
    assert ingest["restart"] == "signal"
    assert ingest["log"] == {
        "path": str(table["ingest"].log),
        "exists": True,
        "size": 8,
        "modified_at": ingest["log"]["modified_at"],
    }


def test_it_says_why_a_component_is_not_running(db, table):
    gone = sleeper(table["broker"].pidfile)
    stop(gone)
    table["simulator"].pidfile.write_text("not-a-pid\n")

    components = by_name(ACTIONS["action.status"]({}))

    assert components["onprem"]["running"] is False
    assert components["onprem"]["detail"] == f"not running: no pidfile at {table['onprem'].pidfile}"
    assert (
        components["broker"]["detail"]
        == f"not running: pid {gone.pid} ({table['broker'].pidfile}) is gone"
    )
    assert (
        components["simulator"]["detail"]
        == f"pidfile {table['simulator'].pidfile} holds 'not-a-pid', not a pid"
    )
    assert components["uplink"]["restart"] is None


def test_it_does_not_take_a_reused_pid_for_the_component(db, table):
    # The pidfile was written an hour before this process started: the pid was reused.
    child = sleeper(table["onprem"].pidfile)
    old = time.time() - 3600
    try:
        os.utime(table["onprem"].pidfile, (old, old))
        onprem = by_name(ACTIONS["action.status"]({}))["onprem"]
    finally:
        stop(child)

    assert onprem["running"] is False
    assert onprem["detail"] == (
        f"not running: pid {child.pid} in {table['onprem'].pidfile} now belongs to a process started after it"
    )


def test_it_includes_the_stores_health_checks(db, table):
    result = ACTIONS["action.status"]({})

    assert set(result["health"]) == {"database", "cache", "broker", "ingest", "erp", "cashless", "disk"}
    assert result["health"]["database"]["ok"] is True
    assert result["ok"] is all(c["ok"] for c in result["health"].values())
    assert [c["name"] for c in result["components"]] == [
        "onprem",
        "ingest",
        "uplink",
        "broker",
        "simulator",
    ]


def test_it_finds_a_process_by_its_pid_command(db, settings, tmp_path):
    proc = sleeper(tmp_path / "ignored.pid")
    settings.COMPONENTS = {
        "web": Component(
            name="web",
            log=tmp_path / "web.log",
            pid_command=(sys.executable, "-c", f"print({proc.pid})"),
        ),
        "beat": Component(
            name="beat", log=tmp_path / "beat.log", pid_command=(sys.executable, "-c", "print(0)")
        ),
    }
    try:
        components = by_name(ACTIONS["action.status"]({}))
    finally:
        stop(proc)

    assert (components["web"]["running"], components["web"]["pid"]) == (True, proc.pid)
    assert components["beat"]["detail"] == "not running (pid_command printed 0)"
