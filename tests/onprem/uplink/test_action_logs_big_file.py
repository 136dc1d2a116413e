"""action.logs reads a huge log from its end, fast, and its answer fits in one tunnel frame."""

from __future__ import annotations

import json
import time

import pytest

from onprem.uplink.actions import ACTIONS
from smartcart.tunnel_frames import MAX_FRAME_BYTES

from .remote_actions import demo_table

RESULT_LIMIT = 200 * 1024


@pytest.fixture
def table(tmp_path, settings):
    settings.COMPONENTS = demo_table(tmp_path)
    return settings.COMPONENTS


def test_it_tails_a_2_gb_log_in_milliseconds(table):
    log = table["ingest"].log
    with log.open("wb") as out:
        out.truncate(2 * 1024**3)  # a sparse 2 GB file: reading it whole would take seconds
        out.seek(0, 2)
        out.write(b"".join(b"flushed batch %d\n" % n for n in range(5000)))

    started = time.monotonic()
    result = ACTIONS["action.logs"]({"component": "ingest", "lines": 1000})
    elapsed = time.monotonic() - started

    assert elapsed < 0.5
    assert result["file_size"] > 2 * 1024**3
    assert result["lines"][-1] == "flushed batch 4999"
    assert result["lines"][0] == "flushed batch 4000"
    assert len(result["lines"]) == 1000


def test_it_caps_long_lines_so_the_answer_stays_under_200_kib(table):
    table["ingest"].log.write_text("".join("x" * 2000 + f" {n}\n" for n in range(1000)))

    result = ACTIONS["action.logs"]({"component": "ingest", "lines": 1000})

    assert len(json.dumps(result)) < RESULT_LIMIT
    assert result["clipped"] is True
    assert 50 < result["returned"] < 1000
    assert result["lines"][-1].endswith(" 999")


def test_it_caps_lines_that_grow_when_escaped(table):
    # Control bytes become \u0001 (6 bytes) in JSON: the cap is on the encoded answer.
    table["ingest"].log.write_bytes(b"".join(b"\x01" * 500 + b"\n" for _ in range(1000)))

    result = ACTIONS["action.logs"]({"component": "ingest", "lines": 1000})

    assert len(json.dumps(result)) < RESULT_LIMIT < MAX_FRAME_BYTES
    assert result["clipped"] is True


def test_it_keeps_the_end_of_one_enormous_line(table):
    table["ingest"].log.write_bytes(b"\x02" * (5 * 1024 * 1024))

    result = ACTIONS["action.logs"]({"component": "ingest", "lines": 10})

    assert len(json.dumps(result)) < RESULT_LIMIT
    assert len(result["lines"]) == 1
    assert set(result["lines"][0]) == {"\x02"}
