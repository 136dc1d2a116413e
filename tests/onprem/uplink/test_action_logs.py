"""action.logs: the last N lines of one component's log, newest last."""

from __future__ import annotations

import pytest

from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table


@pytest.fixture
def table(tmp_path, settings):
    settings.COMPONENTS = demo_table(tmp_path)
    return settings.COMPONENTS


def test_it_returns_the_last_lines_asked_for(table):
    table["ingest"].log.write_text("".join(f"line {n}\n" for n in range(1, 501)))

    result = ACTIONS["action.logs"]({"component": "ingest", "lines": 3})

    assert result["lines"] == ["line 498", "line 499", "line 500"]
    assert result["ok"] is True
    assert result["returned"] == 3
    assert result["clipped"] is False
    assert result["file"] == str(table["ingest"].log)


def test_it_returns_200_lines_by_default(table):
    table["onprem"].log.write_text("".join(f"GET /api/v1/carts/ {n}\n" for n in range(1000)))

    result = ACTIONS["action.logs"]({"component": "onprem"})

    assert result["asked"] == 200
    assert result["lines"][0] == "GET /api/v1/carts/ 800"
    assert result["lines"][-1] == "GET /api/v1/carts/ 999"


def test_it_returns_a_short_log_whole_with_its_unfinished_last_line(table):
    table["broker"].log.write_bytes(b"one\r\ntwo\nhalf a line, caf\xc3\xa9 \xff")

    result = ACTIONS["action.logs"]({"component": "broker", "lines": 50})

    assert result["lines"] == ["one", "two", "half a line, café \ufffd"]


def test_it_says_when_the_component_has_no_log_yet(table):
    result = ACTIONS["action.logs"]({"component": "simulator", "lines": 10})

    assert result["ok"] is False
    assert result["lines"] == []
    assert result["detail"] == f"no log file at {table['simulator'].log}"
