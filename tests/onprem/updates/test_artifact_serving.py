"""GET /api/v1/updates/artifacts/{sha256}/: the cached, verified image, whole or by Range
(206; 416 past the end), to the store's devices by their own credentials and to staff."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.updates import artifacts
from tests.onprem.auth.conftest import person

from .conftest import announce, basic, bearer, build


@pytest.fixture
def image(release_cached):
    release = release_cached("1.1.0")
    return release, artifacts.cached_path(release.sha256).read_bytes()


def url(release) -> str:
    return f"/api/v1/updates/artifacts/{release.sha256}/"


def body(answer) -> bytes:
    return b"".join(answer.streaming_content)


def test_it_serves_the_whole_image_to_a_cart_with_its_own_credentials(image, store):
    release, data = image

    answer = basic("cart-001", store["cart-001"]).get(url(release))

    assert answer.status_code == 200
    assert body(answer) == data
    assert (answer["Content-Length"], answer["Accept-Ranges"]) == (str(len(data)), "bytes")


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=100-", 100, None),
        ("bytes=0-9", 0, 9),
        ("bytes=-20", -20, None),
        ("bytes=50-99999999", 50, None),
    ],
)
def test_it_serves_a_range_with_206(image, store, header, first, last):
    release, data = image
    size = len(data)

    answer = basic("cart-001", store["cart-001"]).get(url(release), headers={"Range": header})

    wanted = data[first:] if last is None else data[first : last + 1]
    start = first % size
    assert answer.status_code == 206
    assert body(answer) == wanted
    assert answer["Content-Range"] == f"bytes {start}-{start + len(wanted) - 1}/{size}"


def test_it_answers_416_for_a_range_past_the_end(image, staff):
    release, data = image

    answer = staff.get(url(release), headers={"Range": f"bytes={len(data)}-"})

    assert answer.status_code == 416
    assert answer["Content-Range"] == f"bytes */{len(data)}"
    assert answer.json()["error"] == "range_not_satisfiable"


def test_it_ignores_a_range_it_does_not_serve_and_sends_the_whole_image(image, staff):
    release, data = image

    answer = staff.get(url(release), headers={"Range": "bytes=0-1,5-6"})

    assert answer.status_code == 200
    assert body(answer) == data


def test_it_serves_nothing_it_has_not_verified(store, tmp_path, staff):
    manifest, _ = build(store, tmp_path, "1.2.0")
    pending = announce(manifest, cloud_id=2)

    answer = staff.get(url(pending))

    assert answer.status_code == 404
    assert "no verified image" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("wrong password", 401),
        ("shopper token", 403),
        ("device token", 403),
    ],
)
def test_it_refuses_callers_who_are_not_staff_or_a_device(image, store, who, status):
    release, _ = image
    client = {
        "anonymous": Client(),
        "wrong password": basic("cart-001", "guess"),
        "shopper token": bearer(person("sam"), "shopper"),
        "device token": bearer(person("svc", groups=("device",)), "device"),
    }[who]

    assert client.get(url(release)).status_code == status
