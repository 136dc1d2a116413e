"""An on-prem release (a wheel, hardware onprem-v1) is uploaded like firmware, and only rollouts
take it: a device campaign refuses it, and stores are not told to cache it for their carts."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cloud.commands.models import StoreCommand
from cloud.releases.models import Release


def upload(client, manifest, artifact):
    return client.post(
        "/api/v1/releases/",
        {
            "manifest": SimpleUploadedFile("m.json", manifest.read_bytes()),
            "artifact": SimpleUploadedFile(artifact.name, artifact.read_bytes()),
        },
        format="multipart",
    )


def test_it_keeps_a_signed_onprem_wheel(ops_api, build_onprem, stores):
    manifest, artifact = build_onprem("0.2.0")

    response = upload(ops_api, manifest, artifact)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["hardware"], body["version"]) == ("onprem-v1", "0.2.0")
    assert body["manifest"]["artifact"] == "onprem-v1-0.2.0.whl"
    assert Release.objects.get(pk=body["id"]).size == artifact.stat().st_size
    assert not StoreCommand.objects.filter(name="ota.release").exists()


def test_it_still_refuses_an_onprem_wheel_signed_by_a_stranger(ops_api, build_onprem, signing):
    manifest, artifact = build_onprem("0.2.0", key=signing["stranger"])

    response = upload(ops_api, manifest, artifact)

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_key"
    assert not Release.objects.exists()


def test_a_device_campaign_refuses_an_onprem_release(ops_api, onprem_release, stores):
    release = onprem_release("0.2.0")

    response = ops_api.post(
        "/api/v1/campaigns/", {"release": release.pk, "stores": ["store-001"]}, format="json"
    )

    assert response.status_code == 400
    assert "start a rollout" in response.json()["detail"]
    assert not StoreCommand.objects.filter(name="ota.campaign").exists()
