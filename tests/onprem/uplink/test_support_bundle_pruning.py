"""Support bundles do not fill the store's disk: the newest five younger than 24 h are kept."""

from __future__ import annotations

import os
import time

import pytest

from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table


@pytest.fixture
def store(db, tmp_path, settings):
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    return settings


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_it_keeps_the_newest_five(store):
    built = []
    for n in range(7):
        built.append(ACTIONS["action.support_bundle"]({})["bundle_id"])
        age(store.SUPPORT_BUNDLE_DIR / f"{built[-1]}.tar.gz", 600 - n)  # each newer than the last

    kept = sorted(p.name.removesuffix(".tar.gz") for p in store.SUPPORT_BUNDLE_DIR.glob("*.tar.gz"))

    assert kept == sorted(built[2:])


def test_it_deletes_bundles_older_than_a_day_and_stale_partial_files(store):
    old = ACTIONS["action.support_bundle"]({})["bundle_id"]
    age(store.SUPPORT_BUNDLE_DIR / f"{old}.tar.gz", 24 * 3600 + 5)
    stale = store.SUPPORT_BUNDLE_DIR / "20261123T000000Z-00000000.tar.gz.part"
    stale.write_bytes(b"died")
    age(stale, 2 * 3600)

    new = ACTIONS["action.support_bundle"]({})["bundle_id"]

    assert [p.name for p in store.SUPPORT_BUNDLE_DIR.iterdir()] == [f"{new}.tar.gz"]
