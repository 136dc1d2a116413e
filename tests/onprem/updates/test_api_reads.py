"""Reading jobs, releases and a cart's firmware history: staff see everything; a rack sees
itself and the carts docked in it now; a cart sees itself; others see nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.updates.jobs import create_job
from onprem.updates.machine import move
from tests.onprem.auth.conftest import person

from .conftest import basic, bearer, ready


@pytest.fixture
def jobs(release_cached, store):
    """A job for each cart (cart-001, cart-002 in rack-01; cart-003 in rack-02), release 1.1.0
    cached and 1.2.0 (rack-v1) too."""
    release = release_cached("1.1.0")
    release_cached("1.2.0", cloud_id=2, hardware="rack-v1")
    ready("cart-001", "cart-002")
    ready("cart-003", rack="rack-02")
    made = {
        cart: create_job(
            kind="cart", device_id=cart, release=release, requested_by="staff:stella", why="t"
        )
        for cart in ("cart-001", "cart-002", "cart-003")
    }
    move(made["cart-002"], "sent", why="gates passed", by="worker")
    return made


def devices(answer) -> list[str]:
    return sorted(j["device"] for j in answer.json()["results"])


def test_staff_list_jobs_and_filter_them(jobs, staff):
    assert devices(staff.get("/api/v1/updates/jobs/")) == ["cart-001", "cart-002", "cart-003"]
    assert devices(staff.get("/api/v1/updates/jobs/?state=sent")) == ["cart-002"]
    assert devices(staff.get("/api/v1/updates/jobs/?cart=cart-003")) == ["cart-003"]
    bad = staff.get("/api/v1/updates/jobs/?state=half_done")
    assert bad.status_code == 400
    assert "half_done" in str(bad.json()["fields"]["state"])


def test_a_rack_sees_the_jobs_of_its_docked_carts_and_a_cart_its_own(jobs, store):
    rack = basic("rack-01", store["rack-01"])
    cart = basic("cart-003", store["cart-003"])

    assert devices(rack.get("/api/v1/updates/jobs/")) == ["cart-001", "cart-002"]
    assert devices(cart.get("/api/v1/updates/jobs/")) == ["cart-003"]
    assert rack.get(f"/api/v1/updates/jobs/{jobs['cart-003'].pk}/").status_code == 404
    assert rack.get(f"/api/v1/updates/jobs/{jobs['cart-001'].pk}/").status_code == 200


def test_a_jobs_detail_shows_its_transitions(jobs, staff):
    answer = staff.get(f"/api/v1/updates/jobs/{jobs['cart-002'].pk}/")

    assert answer.status_code == 200
    assert [(t["from_state"], t["to_state"], t["by"]) for t in answer.json()["transitions"]] == [
        ("", "waiting", "staff:stella"),
        ("waiting", "sent", "worker"),
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("shopper token", 403),
        ("device token", 403),
    ],
)
def test_others_read_no_jobs_nor_releases(jobs, who, status):
    client = {
        "anonymous": Client(),
        "shopper token": bearer(person("sam"), "shopper"),
        "device token": bearer(person("svc", groups=("device",)), "device"),
    }[who]

    assert client.get("/api/v1/updates/jobs/").status_code == status
    assert client.get("/api/v1/updates/releases/").status_code == status


def test_a_rack_lists_the_releases_the_store_knows(jobs, store):
    answer = basic("rack-01", store["rack-01"]).get("/api/v1/updates/releases/?hardware=cart-v1")

    assert answer.status_code == 200
    (release,) = answer.json()["results"]
    assert (
        release["version"],
        release["hardware"],
        release["channel"],
        release["artifact_state"],
    ) == ("1.1.0", "cart-v1", "stable", "cached")
    assert {
        r["hardware"]
        for r in basic("rack-01", store["rack-01"])
        .get("/api/v1/updates/releases/")
        .json()["results"]
    } == {"cart-v1", "rack-v1"}


def test_staff_see_a_carts_firmware_and_history_and_devices_do_not(jobs, staff, store):
    answer = staff.get("/api/v1/updates/carts/cart-001/")

    assert answer.status_code == 200
    assert answer.json()["firmware"] == "1.0.0"
    assert [j["id"] for j in answer.json()["jobs"]] == [jobs["cart-001"].pk]
    assert staff.get("/api/v1/updates/carts/cart-404/").status_code == 404
    assert (
        basic("rack-01", store["rack-01"]).get("/api/v1/updates/carts/cart-001/").status_code == 403
    )
