"""With `smartcart demo` up, ops uploads an on-prem release (a wheel of this checkout with one
more migration) and rolls it out to the store: the store runs it afterwards (its version in the
heartbeat) with its data intact. A release whose health check fails leaves the store on the
version it ran, its database as it was (the broken release's migration gone again)."""

from __future__ import annotations

import pytest

from smartcart.software import running_version
from tests.e2e.demo_onprem import (
    FINAL,
    heartbeat_version,
    mark_table,
    snapshot,
    start_rollout,
    store_update,
    upload_onprem,
)
from tests.e2e.demo_ota import clients, eventually
from tests.e2e.demo_run import start_demo, stop_demo

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture
def demo(tmp_path):
    proc, info = start_demo(tmp_path / "var", "--shoppers", "0", "--history-days", "0")
    yield info
    stop_demo(proc)


def next_versions() -> tuple[str, str]:
    major, minor, patch = (int(p) for p in running_version().split("."))
    return f"{major}.{minor}.{patch + 1}", f"{major}.{minor}.{patch + 2}"


def finished(ops, rollout: int) -> dict:
    update = {}

    def final() -> bool:
        update.update(store_update(ops, rollout))
        return update["state"] in FINAL

    eventually(final, 120, f"rollout {rollout} over on the store")
    return update


def test_a_release_runs_on_the_store_and_a_broken_one_leaves_it_as_it_was(demo, tmp_path):
    ops, _staff = clients(demo)
    base = running_version()
    eventually(lambda: heartbeat_version(ops) == base, 90, f"the store's heartbeat at {base}")
    good, broken = next_versions()
    before = snapshot(demo["var"])
    assert all(before["rows"].values()), before["rows"]

    release = upload_onprem(ops, demo, tmp_path, good)
    update = finished(ops, start_rollout(ops, release["id"])["id"])
    assert update["state"] == "switched", update
    eventually(lambda: heartbeat_version(ops) == good, 60, f"the heartbeat at {good}")
    after = snapshot(demo["var"])
    assert after["rows"] == before["rows"]
    assert mark_table(good) in after["tables"]

    release = upload_onprem(ops, demo, tmp_path / "broken", broken, broken=True)
    update = finished(ops, start_rollout(ops, release["id"])["id"])
    assert update["state"] == "rolled_back", update
    assert "selftest" in update["reason"]
    assert heartbeat_version(ops) == good
    rolled_back = snapshot(demo["var"])
    assert rolled_back == after  # the broken release's migration and its table are gone
    assert mark_table(broken) not in rolled_back["tables"]
