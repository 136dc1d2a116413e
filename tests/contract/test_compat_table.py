"""The cross-tier compatibility table: which on-prem versions take which firmware and cloud."""

from __future__ import annotations

import pytest

from smartcart.compat import COMPAT, Row, check_update, row_for, version_key
from smartcart.software import running_version
from smartcart.tunnel_frames import VERSION as CLOUD_PROTOCOL

# A future line that drops 1.0.x cart firmware and speaks a new protocol, to test the sentences.
TABLE = (
    *COMPAT,
    Row(
        onprem=("2.0.0", "3.0.0"),
        firmware={"cart-v1": ("1.1.0", "2.0.0"), "rack-v1": ("1.0.0", "2.0.0")},
        cloud_protocols=frozenset({1, 2}),
    ),
)


def test_it_accepts_the_versions_this_project_runs_today():
    problems = check_update(
        running_version() if running_version() != "0.0.0" else "0.1.0",
        firmware={"cart-v1": {"1.0.0": 24}, "rack-v1": {"1.0.0"}},
        cloud_protocol=CLOUD_PROTOCOL,
        store="store-001",
    )

    assert problems == []


def test_it_says_which_firmware_the_target_no_longer_takes_and_how_many_devices_run_it():
    problems = check_update(
        "2.0.0",
        firmware={"cart-v1": {"1.0.0": 24, "1.1.0": 3}, "rack-v1": {"1.0.0": 2}},
        cloud_protocol=1,
        store="store-001",
        table=TABLE,
    )

    assert problems == [
        "on-prem 2.0.0 does not accept cart-v1 firmware 1.0.0 (it takes 1.1.0 up to but not "
        "2.0.0), which 24 carts of store-001 run"
    ]


def test_it_refuses_a_target_that_does_not_speak_the_clouds_protocol():
    problems = check_update("0.3.1", firmware={}, cloud_protocol=2)

    assert problems == ["on-prem 0.3.1 speaks cloud tunnel protocol 1, and this cloud speaks 2"]


def test_it_refuses_a_version_no_row_describes():
    [problem] = check_update("1.0.0", firmware={"cart-v1": {"1.0.0"}}, cloud_protocol=1)

    assert "not in the compatibility table" in problem and "1.0.0" in problem


@pytest.mark.parametrize(
    ("firmware", "words"),
    [
        ({"cart-v1": {"0.9.0"}}, "cart-v1 firmware 0.9.0 (it takes 1.0.0 up to but not 2.0.0)"),
        ({"rack-v1": {"2.0.0": 1}}, "which 1 rack of the store runs"),
        ({"scale-v1": {"1.0.0"}}, "does not know scale-v1 devices"),
        ({"cart-v1": {"nightly"}}, "cannot check cart-v1 firmware 'nightly'"),
    ],
)
def test_each_device_problem_is_one_sentence_naming_it(firmware, words):
    [problem] = check_update("0.1.0", firmware=firmware, cloud_protocol=1)

    assert words in problem


def test_versions_compare_as_numbers_and_ignore_build_suffixes():
    assert version_key("0.10.0") > version_key("0.9.9")
    assert version_key("0.1.1.dev3+g1a2b") == (0, 1, 1)
    assert version_key("1.2") == (1, 2, 0)
    with pytest.raises(ValueError, match="not a version"):
        version_key("latest")


def test_the_table_has_no_overlapping_rows_and_each_row_is_a_real_span():
    for row in COMPAT:
        assert version_key(row.onprem[0]) < version_key(row.onprem[1])
        assert all(version_key(a) < version_key(b) for a, b in row.firmware.values())
        assert row_for(row.onprem[0]) is row
