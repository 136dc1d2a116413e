"""The demo's supervisor with real child processes and a stepped clock (so backoff takes no time)."""

from __future__ import annotations

import sys

import pytest

from simulator.demo import Demo

pytestmark = pytest.mark.e2e


def demo_in(tmp_path) -> Demo:
    (tmp_path / "logs").mkdir()
    return Demo(
        var=tmp_path,
        store="store-001",
        onprem_port=0,
        cloud_port=0,
        mqtt_url="mqtt://127.0.0.1:1",
        embedded_broker=False,
        erp_port=0,
        cashless_port=0,
    )


def exit_and_supervise(demo: Demo, name: str, now: float) -> None:
    demo.children[name].proc.wait(20)
    demo.supervise(now=now)


def test_it_restarts_a_child_that_exits_and_says_so(tmp_path, caplog):
    demo = demo_in(tmp_path)
    demo.start(
        "flaky",
        [sys.executable, "-c", "import os, sys; print(os.environ['SMARTCART_DEMO']); sys.exit(3)"],
    )
    first = demo.children["flaky"].proc.pid

    exit_and_supervise(demo, "flaky", now=100.0)
    demo.supervise(now=100.5)  # backoff not over yet
    assert demo.children["flaky"].proc.pid == first
    demo.supervise(now=101.0)

    assert demo.children["flaky"].proc.pid != first
    demo.children["flaky"].proc.wait(20)
    log_file = tmp_path / "logs" / "flaky.log"
    assert f"flaky exited (exit code 3); restarting it in 1 s; see {log_file}" in caplog.text
    assert "flaky restarted" in caplog.text
    assert log_file.read_text().count("1\n") == 2  # both runs had SMARTCART_DEMO=1
    assert "--- demo: flaky exited (exit code 3)" in log_file.read_text()


def test_it_stops_restarting_a_crash_looping_child_and_keeps_the_rest(tmp_path, caplog):
    demo = demo_in(tmp_path)
    demo.start("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    demo.start("flaky", [sys.executable, "-c", "raise SystemExit(3)"])
    steady = demo.children["steady"].proc.pid
    now = 0.0
    try:
        for delay in (1, 2, 4, 8, 16):  # five restarts, 31 s in all: within the 60 s window
            exit_and_supervise(demo, "flaky", now)
            now += delay
            demo.supervise(now=now)
        exit_and_supervise(demo, "flaky", now)
        demo.supervise(now=now + 100)

        assert demo.children["flaky"].given_up
        assert demo.children["flaky"].proc.poll() == 3  # not started a seventh time
        assert (
            demo.children["steady"].proc.poll() is None
            and demo.children["steady"].proc.pid == steady
        )
        assert "flaky is CRASH-LOOPING: exit code 3 after 5 restarts within 60 s" in caplog.text
        assert caplog.text.count("flaky restarted") == 5
    finally:
        demo.stop()
    assert demo.children["steady"].proc.returncode is not None


def test_it_names_the_signal_that_killed_a_child(tmp_path, caplog):
    demo = demo_in(tmp_path)
    demo.start("ingest", [sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"])
    exit_and_supervise(demo, "ingest", now=0.0)
    assert "ingest exited (killed by SIGKILL); restarting it in 1 s" in caplog.text
