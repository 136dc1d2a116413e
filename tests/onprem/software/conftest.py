from __future__ import annotations

from pathlib import Path

import pytest

from onprem.software import journal
from smartcart.release.build import build_release
from smartcart.release.signing import generate
from tests.onprem.updates.cloud_stub import ArtifactCloud

STORE, KEY = "store-test", "store-key-test"


@pytest.fixture
def releases(tmp_path, settings) -> Path:
    settings.RELEASES_DIR = tmp_path / "releases"
    return settings.RELEASES_DIR


@pytest.fixture
def signing_key(tmp_path, settings) -> Path:
    """A release key the store trusts; the private key's path."""
    private, public, _ = generate(tmp_path / "keys")
    settings.RELEASE_TRUST = (public,)
    return private


@pytest.fixture
def cloud(settings):
    """A real HTTP server standing in for the cloud's artifact download."""
    settings.STORE_ID, settings.CLOUD_STORE_KEY = STORE, KEY
    with ArtifactCloud(store=STORE, key=KEY) as stub:
        settings.CLOUD_URL = stub.url
        yield stub


def signed(tmp: Path, key: Path, version: str, data: bytes) -> tuple[dict, bytes]:
    """(manifest, artifact) of an onprem-v1 release of `data` signed with `key`."""
    image = tmp / f"smartcart-{version}-py3-none-any.whl"
    image.write_bytes(data)
    manifest, artifact = build_release(
        image=image,
        version=version,
        hardware="onprem-v1",
        channel="stable",
        expires_days=30,
        key=key,
        out=tmp / "signed",
    )
    import json

    return json.loads(manifest.read_text()), artifact.read_bytes()


def offer(
    cloud: ArtifactCloud, releases: Path, manifest: dict, data: bytes, *, rollout: int = 1
) -> dict:
    """The cloud serves the artifact; the journal holds an update to it (as onprem.update
    leaves it)."""
    path = f"/api/v1/releases/{rollout}/artifact/"
    cloud.files[path] = data
    release = {
        "version": manifest["version"],
        "hardware": "onprem-v1",
        "sha256": manifest["sha256"],
        "size": manifest["size"],
        "manifest": manifest,
    }
    return journal.new_job(
        releases, rollout=rollout, release=release, url=cloud.url + path, from_version="0.1.0"
    )
