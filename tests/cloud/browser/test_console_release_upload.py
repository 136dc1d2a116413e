"""Ops upload a signed release through the console's form; a tampered one is refused."""

from __future__ import annotations

import json

from cloud.commands.models import StoreCommand
from cloud.releases.models import Release
from cloud.stores.services import register_store


def test_it_uploads_a_release_through_the_form(ops_page, cloud_server, build):
    register_store(code="store-001", name="One")
    manifest, artifact = build("1.1.0")

    ops_page.goto(f"{cloud_server}/console/releases/")
    ops_page.set_input_files("#id_manifest", str(manifest))
    ops_page.set_input_files("#id_artifact", str(artifact))
    ops_page.click("#upload-form button[type=submit]")

    ops_page.wait_for_selector(".messages li")
    assert "Release cart-v1 1.1.0 uploaded and announced to every store." in (
        ops_page.locator(".messages").inner_text()
    )
    assert ops_page.locator("#releases tbody tr .version").all_inner_texts() == ["1.1.0"]
    release = Release.objects.get()
    assert release.uploaded_by == "olga"
    assert StoreCommand.objects.get(name="ota.release").args["release"] == release.pk


def test_it_shows_why_a_tampered_release_is_refused(ops_page, cloud_server, build, tmp_path):
    manifest, artifact = build("1.1.0")
    forged = json.loads(manifest.read_text()) | {"channel": "testing"}
    manifest.write_text(json.dumps(forged))

    ops_page.goto(f"{cloud_server}/console/releases/")
    ops_page.set_input_files("#id_manifest", str(manifest))
    ops_page.set_input_files("#id_artifact", str(artifact))
    ops_page.click("#upload-form button[type=submit]")

    alert = ops_page.locator("#upload-form .error-box")
    alert.wait_for()
    assert alert.inner_text().startswith("Refused: bad_signature: the signature does not match")
    assert not Release.objects.exists()
