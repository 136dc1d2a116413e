"""action.support_bundle: a tar.gz of status, health, settings, versions, ingest, dead letters, logs."""

from __future__ import annotations

import hashlib
import json
import sys
import tarfile

import django
import pytest
from django.utils import timezone

from onprem.fleet.dead_letters import dead_letter
from onprem.uplink import support_bundle
from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table


@pytest.fixture
def store(db, tmp_path, settings):
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    settings.COMPONENTS["ingest"].log.write_text("".join(f"batch {n}\n" for n in range(10_000)))
    dead_letter(
        topic="smartcart/s/cart/c/telemetry",
        payload=b"x",
        reason="not JSON",
        received_at=timezone.now(),
    ).save()
    return settings


def members(settings, result: dict) -> dict[str, bytes]:
    with tarfile.open(settings.SUPPORT_BUNDLE_DIR / f"{result['bundle_id']}.tar.gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_it_returns_where_to_download_the_bundle_and_its_digest(store):
    result = ACTIONS["action.support_bundle"]({})

    path = store.SUPPORT_BUNDLE_DIR / f"{result['bundle_id']}.tar.gz"
    assert result["download_path"] == f"/api/v1/support-bundles/{result['bundle_id']}/"
    assert result["size"] == path.stat().st_size
    assert result["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert support_bundle.BUNDLE_ID.fullmatch(result["bundle_id"])
    assert not list(store.SUPPORT_BUNDLE_DIR.glob("*.part"))


def test_it_holds_every_report_and_every_components_log_tail(store):
    files = members(store, ACTIONS["action.support_bundle"]({}))

    assert sorted(files) == sorted(
        [
            "status.json",
            "health.json",
            "settings.json",
            "versions.json",
            "ingest.json",
            "dead_letters.json",
            "manifest.json",
            *(f"logs/{name}.log" for name in store.COMPONENTS),
        ]
    )
    ingest_log = files["logs/ingest.log"].decode().splitlines()
    assert len(ingest_log) == support_bundle.LOG_LINES
    assert ingest_log[-1] == "batch 9999"
    assert files["logs/onprem.log"].decode().startswith("(no log: ")
    versions = json.loads(files["versions.json"])
    assert versions["django"] == django.get_version()
    assert versions["python"] == sys.version
    assert versions["packages"]["psutil"]
    assert json.loads(files["dead_letters.json"])["total"] == 1
    assert json.loads(files["health.json"])["components"]["database"]["ok"] is True
    assert [c["name"] for c in json.loads(files["status.json"])["components"]] == list(
        store.COMPONENTS
    )


def test_it_caps_what_it_takes_from_each_log(store):
    store.COMPONENTS["broker"].log.write_bytes(
        b"y" * 300 + b"\n" * 1 + (b"z" * 1000 + b"\n") * 20_000
    )

    files = members(store, ACTIONS["action.support_bundle"]({}))

    assert len(files["logs/broker.log"]) <= support_bundle.LOG_BYTES
    assert sum(len(data) for data in files.values()) < support_bundle.LOG_BUDGET + 1024 * 1024
