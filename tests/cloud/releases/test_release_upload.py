from __future__ import annotations

import hashlib

from cloud.commands.models import StoreCommand
from cloud.releases.models import Release
from cloud.releases.services import artifact_file

from .conftest import upload


def test_it_keeps_a_verified_release_and_lists_it(ops_api, build):
    manifest, artifact = build("1.1.0", channel="testing")

    response = upload(ops_api, manifest, artifact)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["hardware"], body["version"], body["channel"]) == ("cart-v1", "1.1.0", "testing")
    assert body["artifact_path"] == f"/api/v1/releases/{body['id']}/artifact/"
    assert body["uploaded_by"] == "ops"
    kept = artifact_file(Release.objects.get(pk=body["id"]))
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == body["sha256"]
    listed = ops_api.get("/api/v1/releases/").json()["results"]
    assert [r["version"] for r in listed] == ["1.1.0"]
    assert ops_api.get(f"/api/v1/releases/{body['id']}/").json()["manifest"]["signature"]


def test_it_announces_the_release_to_every_store(ops_api, build, stores):
    manifest, artifact = build("1.2.0")

    release = upload(ops_api, manifest, artifact).json()

    sent = StoreCommand.objects.filter(name="ota.release")
    assert sorted(c.store.code for c in sent) == sorted(stores)
    args = sent.first().args
    assert args["release"] == release["id"]
    assert args["artifact_path"] == release["artifact_path"]
    assert args["manifest"]["sha256"] == release["sha256"]


def test_it_lists_newest_first_per_hardware(ops_api, build):
    for version in ("1.1.0", "1.10.0", "1.2.0"):
        assert upload(ops_api, *build(version)).status_code == 201

    listed = ops_api.get("/api/v1/releases/").json()["results"]

    assert [r["version"] for r in listed] == ["1.10.0", "1.2.0", "1.1.0"]
