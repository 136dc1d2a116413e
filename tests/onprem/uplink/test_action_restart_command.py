"""action.restart in production: the table's own argv, run without a shell and with a timeout."""

from __future__ import annotations

import sys

import pytest

from onprem.uplink import processes
from onprem.uplink.actions import ACTIONS
from onprem.uplink.components import Component

RECORD_ARGS = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text(repr(sys.argv[2:])); print('restarted')"


@pytest.fixture
def table(tmp_path, settings):
    def entry(name: str, argv: list[str]) -> Component:
        return Component(name=name, log=tmp_path / f"{name}.log", restart=tuple(argv))

    marker = tmp_path / "argv.txt"
    settings.COMPONENTS = {
        "worker": entry(
            "worker",
            [sys.executable, "-c", RECORD_ARGS, str(marker), "$(touch pwned)", "; rm -rf /"],
        ),
        "beat": entry(
            "beat",
            [
                sys.executable,
                "-c",
                "import sys; print('unit not found', file=sys.stderr); sys.exit(5)",
            ],
        ),
        "web": entry("web", [sys.executable, "-c", "import time; time.sleep(30)"]),
    }
    return marker


def test_it_runs_the_configured_argv_as_is_without_a_shell(table, tmp_path):
    result = ACTIONS["action.restart"]({"component": "worker"})

    assert result["ok"] is True
    assert result["exit_code"] == 0
    assert result["output"] == "restarted\n"
    assert table.read_text() == repr(["$(touch pwned)", "; rm -rf /"])  # literal arguments
    assert not (tmp_path / "pwned").exists()


def test_it_reports_a_failing_restart_command_with_its_output(table):
    result = ACTIONS["action.restart"]({"component": "beat"})

    assert result["ok"] is False
    assert result["exit_code"] == 5
    assert result["output"] == "unit not found\n"
    assert result["detail"] == "the restart command exited 5"


def test_it_stops_waiting_for_a_restart_command_at_its_timeout(table, monkeypatch):
    monkeypatch.setattr(processes, "RESTART_COMMAND_SECONDS", 1)

    result = ACTIONS["action.restart"]({"component": "web"})

    assert result["ok"] is False
    assert result["detail"] == "the restart command did not finish in 1 s"
