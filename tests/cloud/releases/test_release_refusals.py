"""Every refusal names its reason, and leaves no row and no file behind."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cloud.releases.models import DeviceFirmware, Release
from cloud.stores.services import register_store

from .conftest import upload


def tampered(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
    return path


def refusal(response) -> tuple[str, str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == body["code"]
    return body["code"], body["detail"]


def nothing_kept(settings) -> bool:
    files = list(settings.RELEASES_DIR.iterdir()) if settings.RELEASES_DIR.exists() else []
    return not Release.objects.exists() and files == []


def test_it_refuses_a_changed_manifest_as_bad_signature(ops_api, build, settings):
    manifest, artifact = build("1.1.0")

    code, detail = refusal(upload(ops_api, tampered(manifest, version="9.9.9"), artifact))

    assert code == "bad_signature"
    assert "signature does not match" in detail
    assert nothing_kept(settings)


def test_it_refuses_a_key_it_does_not_trust(ops_api, build, signing, settings):
    manifest, artifact = build("1.1.0", key=signing["stranger"])

    code, detail = refusal(upload(ops_api, manifest, artifact))

    assert code == "unknown_key"
    assert signing["key_id"] in detail  # it says which keys it does trust
    assert nothing_kept(settings)


def test_it_refuses_a_bit_flipped_image(ops_api, build, settings):
    manifest, artifact = build("1.1.0")
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0x01

    code, _ = refusal(upload(ops_api, manifest, bytes(data)))

    assert code == "sha256_mismatch"
    assert nothing_kept(settings)


def test_it_refuses_a_truncated_image(ops_api, build, settings):
    manifest, artifact = build("1.1.0")

    code, detail = refusal(upload(ops_api, manifest, artifact.read_bytes()[:-10]))

    assert code == "size_mismatch"
    assert "the manifest says" in detail
    assert nothing_kept(settings)


def test_it_refuses_an_expired_release(ops_api, build, settings):
    manifest, artifact = build("1.1.0", expires_days=1, now=datetime.now(UTC) - timedelta(days=2))

    code, _ = refusal(upload(ops_api, manifest, artifact))

    assert code == "expired"
    assert nothing_kept(settings)


def test_it_refuses_a_version_already_uploaded(ops_api, build):
    assert upload(ops_api, *build("1.1.0")).status_code == 201
    manifest, artifact = build("1.1.0", channel="testing")  # another build of the same version

    code, detail = refusal(upload(ops_api, manifest, artifact))

    assert code == "not_newer"
    assert "already uploaded" in detail
    assert Release.objects.count() == 1


def test_it_refuses_a_version_older_than_devices_run(ops_api, build):
    store, _ = register_store(code="store-001", name="One")
    DeviceFirmware.objects.create(store=store, device="cart-001", kind="cart", version="1.3.0")

    code, detail = refusal(upload(ops_api, *build("1.2.9")))

    assert code == "not_newer"
    assert "older than 1.3.0" in detail
    # The version the devices run may be uploaded (the factory image, kept for the record).
    assert upload(ops_api, *build("1.3.0")).status_code == 201


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"version": "1.0.0"}'])
def test_it_refuses_a_malformed_manifest(ops_api, build, tmp_path, raw, settings):
    _, artifact = build("1.1.0")
    manifest = tmp_path / "bad.json"
    manifest.write_bytes(raw)

    code, _ = refusal(upload(ops_api, manifest, artifact))

    assert code == "malformed"
    assert nothing_kept(settings)


def test_it_asks_for_both_files(ops_api, build):
    manifest, _ = build("1.1.0")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = ops_api.post(
        "/api/v1/releases/",
        {"manifest": SimpleUploadedFile("m.json", manifest.read_bytes())},
        format="multipart",
    )

    assert response.status_code == 400
    assert "artifact" in response.json()["fields"]


def test_it_answers_a_json_body_with_415(ops_api):
    response = ops_api.post("/api/v1/releases/", {"manifest": "x"}, format="json")

    assert response.status_code == 415
