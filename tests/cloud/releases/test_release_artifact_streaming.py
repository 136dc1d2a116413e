"""A 20 MB image goes out in chunks: a download never holds the image in memory."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime

from rest_framework.test import APIClient

from cloud.releases.services import upload_release
from smartcart.release.build import build_release, sample_image

MB = 1024 * 1024


def test_it_streams_a_large_image_in_bounded_memory(db, signing, stores, tmp_path):
    image = sample_image(version="2.0.0", out=tmp_path / "big.tar.gz", payload_bytes=20 * MB)
    manifest, artifact = build_release(
        image=image,
        version="2.0.0",
        hardware="cart-v1",
        channel="stable",
        expires_days=9,
        key=signing["private"],
        out=tmp_path / "out",
        now=datetime.now(UTC),
    )
    release = upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
    )
    client = APIClient()
    client.credentials(
        HTTP_X_SMARTCART_STORE="store-001", HTTP_AUTHORIZATION=f"Bearer {stores['store-001']}"
    )

    response = client.get(release.artifact_path, HTTP_RANGE="bytes=1024-")

    def drain() -> tuple[int, int]:
        sent, biggest = 0, 0
        for chunk in response.streaming_content:
            sent, biggest = sent + len(chunk), max(biggest, len(chunk))
        return sent, biggest

    tracemalloc.start()
    try:
        sent, biggest = drain()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent == release.size - 1024
    assert biggest <= 256 * 1024
    assert peak < 2 * MB, f"the download held {peak / MB:.1f} MB at once"
