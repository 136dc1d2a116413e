"""Under an ASGI server (daphne, the store's), the image is sent from an async iterator that
reads the file as it goes: given a synchronous one, Django would read the whole image into
memory before sending a byte (25 carts x 20 MB = 500 MB)."""

from __future__ import annotations

import asyncio
import base64

import pytest
from django.test import AsyncClient

from onprem.updates import artifacts

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_asgi_download_streams_from_an_async_iterator(release_cached, store):
    release = release_cached("1.1.0")
    data = artifacts.cached_path(release.sha256).read_bytes()
    auth = base64.b64encode(f"cart-001:{store['cart-001']}".encode()).decode()

    async def download():
        answer = await AsyncClient().get(
            f"/api/v1/updates/artifacts/{release.sha256}/",
            headers={"Authorization": f"Basic {auth}", "Range": "bytes=10-"},
        )
        if not answer.is_async:  # Django would read it all into memory first
            return answer, []
        return answer, [chunk async for chunk in answer.streaming_content]

    answer, chunks = asyncio.run(download())

    assert answer.status_code == 206
    assert answer.is_async
    assert b"".join(chunks) == data[10:]
