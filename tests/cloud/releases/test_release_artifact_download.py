"""Stores download an artifact with their tunnel key, resuming with Range."""

from __future__ import annotations

import asyncio

import pytest
from rest_framework.test import APIClient

from cloud.releases.services import artifact_file


def store_client(code: str, key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_SMARTCART_STORE=code, HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def body(response) -> bytes:
    """The streamed body, read as the server would (an async iterator under ASGI)."""
    if not response.is_async:
        return b"".join(response.streaming_content)

    async def read() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return asyncio.run(read())


@pytest.fixture
def image(release) -> bytes:
    return artifact_file(release).read_bytes()


def test_it_serves_the_whole_image_to_a_store(release, stores, image):
    response = store_client("store-001", stores["store-001"]).get(release.artifact_path)

    assert response.status_code == 200
    assert body(response) == image
    assert response["Content-Length"] == str(len(image))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{release.sha256}"'


def test_it_resumes_from_a_byte_with_206(release, stores, image):
    client = store_client("store-001", stores["store-001"])

    response = client.get(release.artifact_path, HTTP_RANGE="bytes=100-")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-{len(image) - 1}/{len(image)}"
    assert body(response) == image[100:]


def test_it_serves_a_closed_and_a_suffix_range(release, stores, image):
    client = store_client("store-001", stores["store-001"])

    closed = client.get(release.artifact_path, HTTP_RANGE="bytes=10-19")
    suffix = client.get(release.artifact_path, HTTP_RANGE="bytes=-5")

    assert (closed.status_code, body(closed)) == (206, image[10:20])
    assert (suffix.status_code, body(suffix)) == (206, image[-5:])


def test_it_answers_a_range_past_the_end_with_416(release, stores, image):
    client = store_client("store-001", stores["store-001"])

    response = client.get(release.artifact_path, HTTP_RANGE=f"bytes={len(image)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(image)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "lines=1-2", "bytes=x-", "bytes=9-2"])
def test_it_sends_the_whole_image_for_a_range_it_does_not_serve(release, stores, image, header):
    client = store_client("store-001", stores["store-001"])

    response = client.get(release.artifact_path, HTTP_RANGE=header)

    assert (response.status_code, body(response)) == (200, image)


def test_it_refuses_a_wrong_store_key(release, stores):
    response = store_client("store-001", stores["store-002"]).get(release.artifact_path)

    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown store or wrong store key."


def test_it_refuses_an_ops_token(release, ops_api):
    response = ops_api.get(release.artifact_path)

    assert response.status_code == 401
    assert "X-SmartCart-Store" in response.json()["detail"]


def test_it_refuses_no_credentials(release):
    assert APIClient().get(release.artifact_path).status_code == 401


def test_it_answers_404_for_an_unknown_release(stores):
    client = store_client("store-001", stores["store-001"])

    assert client.get("/api/v1/releases/999/artifact/").status_code == 404
