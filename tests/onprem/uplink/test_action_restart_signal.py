"""action.restart in the demo: SIGTERM the child named by its pidfile; the supervisor restarts it.

The supervisor is the demo's own (simulator.demo.Demo), run for real with a throwaway child.
"""

from __future__ import annotations

import sys
import threading

import psutil
import pytest

from onprem.uplink.actions import ACTIONS
from onprem.uplink.components import demo_components
from simulator.demo import Demo


@pytest.fixture
def supervised(tmp_path, settings):
    """A demo supervisor running child "ingest" (a sleeper) and the store's table pointing at it."""
    (tmp_path / "logs").mkdir()
    demo = Demo(
        var=tmp_path,
        store="store-001",
        onprem_port=0,
        cloud_port=0,
        mqtt_url="mqtt://127.0.0.1:1",
        embedded_broker=False,
        erp_port=0,
        cashless_port=0,
    )
    demo.start(
        "ingest", [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"]
    )
    settings.COMPONENTS = demo_components(log_dir=tmp_path / "logs", run_dir=tmp_path / "run")
    stopping = threading.Event()

    def supervise() -> None:
        while not stopping.wait(0.1):
            demo.supervise()

    thread = threading.Thread(target=supervise)
    thread.start()
    yield demo
    stopping.set()
    thread.join()
    demo.stop()


def test_it_restarts_a_demo_child_through_its_supervisor(supervised):
    first = supervised.children["ingest"].proc.pid

    result = ACTIONS["action.restart"]({"component": "ingest"})

    second = supervised.children["ingest"].proc.pid
    assert result == {
        "component": "ingest",
        "how": "SIGTERM, then its supervisor starts it again",
        "ok": True,
        "old_pid": first,
        "new_pid": second,
        "detail": f"pid {first} stopped; pid {second} runs",
    }
    assert second != first
    assert not psutil.pid_exists(first) or psutil.Process(first).status() == psutil.STATUS_ZOMBIE
    assert psutil.Process(second).is_running()
    assert (
        "ingest exited (killed by SIGTERM); restarting it"
        in (supervised.var / "logs" / "ingest.log").read_text()
    )


def test_it_says_so_when_nothing_runs_to_restart(supervised, settings):
    result = ACTIONS["action.restart"]({"component": "broker"})

    assert result["ok"] is False
    assert (
        result["detail"]
        == f"nothing to restart: not running: no pidfile at {settings.COMPONENTS['broker'].pidfile}"
    )
