"""The store fetches each image once from the cloud with its store key, resumes a cut download
where it stopped, and caches only bytes that pass verification: a bit-flipped image is refused
with its reason, never served, and its jobs fail."""

from __future__ import annotations

import pytest

from onprem.updates import artifacts, jobs, releases
from onprem.updates.jobs import create_job
from onprem.updates.models import Release

from .cloud_stub import ArtifactCloud
from .conftest import announce, build, ready


@pytest.fixture
def cloud(settings):
    settings.CLOUD_STORE_KEY = "store-key-1"
    with ArtifactCloud(store=settings.STORE_ID, key="store-key-1") as stub:
        settings.CLOUD_URL = stub.url.replace(
            "http://", "ws://"
        )  # the uplink's URL: ws is read as http
        yield stub


@pytest.fixture
def image(store, tmp_path):
    manifest, artifact = build(store, tmp_path, "1.1.0", payload_bytes=600_000)
    return manifest, artifact.read_bytes()


def fetch(release: Release) -> str:
    release.refresh_from_db()
    return releases.fetch_release(release)


def test_it_resumes_a_cut_download_and_fetches_each_byte_once(cloud, image):
    manifest, data = image
    cloud.files["/api/v1/releases/1/artifact/"] = data
    cloud.cut_after = len(data) // 3
    release = announce(manifest)

    assert fetch(release) == "downloading"  # cut: retried later
    release.refresh_from_db()
    assert release.artifact_bytes == len(data) // 3
    assert (
        "connection" in release.fetch_error.lower() or "incomplete" in release.fetch_error.lower()
    )

    assert fetch(release) == "cached"

    release.refresh_from_db()
    assert [r["range"] for r in cloud.requests] == [None, f"bytes={len(data) // 3}-"]
    assert {(r["store"], r["auth"]) for r in cloud.requests} == {
        ("store-001", "Bearer store-key-1")
    }
    assert cloud.sent == len(data) == release.fetched_bytes
    assert artifacts.cached_path(release.sha256).read_bytes() == data
    assert not artifacts.partial_path(release.sha256).exists()


def test_a_second_release_with_the_same_bytes_is_not_fetched_again(cloud, image):
    manifest, data = image
    cloud.files["/api/v1/releases/1/artifact/"] = data
    assert fetch(announce(manifest)) == "cached"

    again = Release.objects.get()
    assert fetch(again) == "cached"
    assert len(cloud.requests) == 1


def test_it_refuses_a_bit_flipped_image_and_never_serves_it(cloud, image, settings):
    manifest, data = image
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    cloud.files["/api/v1/releases/1/artifact/"] = bytes(flipped)
    release = announce(manifest)
    ready("cart-001")
    job = create_job(
        kind="cart", device_id="cart-001", release=release, requested_by="staff:stella", why="t"
    )

    assert fetch(release) == "refused"

    release.refresh_from_db()
    assert release.refused_reason.startswith("sha256_mismatch: ")
    assert not artifacts.cached_path(release.sha256).exists()
    assert not artifacts.partial_path(release.sha256).exists()
    jobs.dispatch()
    job.refresh_from_db()
    assert (job.state, job.reason) == ("failed", "sha256_mismatch")


def test_it_retries_later_when_the_cloud_refuses_the_store(cloud, image, settings):
    manifest, data = image
    cloud.files["/api/v1/releases/1/artifact/"] = data
    settings.CLOUD_STORE_KEY = "a-wrong-key"
    release = announce(manifest)

    assert fetch(release) == "downloading"

    release.refresh_from_db()
    assert "HTTP 401" in release.fetch_error
    assert release.next_fetch_at is not None
    assert releases.due_fetches().count() == 0  # not before its backoff


def test_it_refuses_a_release_signed_by_an_untrusted_key_without_fetching(
    cloud, store, tmp_path, settings
):
    manifest, _ = build(store, tmp_path, "1.1.0")
    settings.RELEASE_TRUST = ()

    release = announce(manifest)

    assert release.artifact_state == "refused"
    assert release.refused_reason.startswith("unknown_key: ")
    assert releases.due_fetches().count() == 0
    assert cloud.requests == []
