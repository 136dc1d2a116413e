"""POST /api/v1/carts/{id}/update/ and /racks/{id}/update/: staff, or the rack the cart is docked
in now with its own credentials; nobody else. Every request is audited in the job's history."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.updates.models import UpdateJob
from tests.oauth_flows import signed_in
from tests.onprem.auth.conftest import person

from .conftest import basic, bearer, post, ready

BODY = {"version": "1.1.0", "override_window": False}


@pytest.fixture
def docked(release_cached):
    """cart-001 and cart-002 docked in rack-01; cart-003 in rack-02; release 1.1.0 cached."""
    release_cached("1.1.0")
    ready("cart-001", "cart-002")
    ready("cart-003", rack="rack-02")


def caller(kind: str, store: dict) -> Client:
    return {
        "anonymous": lambda: Client(),
        "shopper session": lambda: signed_in(person("sue")),
        "shopper token": lambda: bearer(person("sam"), "shopper"),
        "device token": lambda: bearer(person("svc", groups=("device",)), "device"),
        "cart's own credentials": lambda: basic("cart-001", store["cart-001"]),
        "rack-02 (another rack)": lambda: basic("rack-02", store["rack-02"]),
        "rack-01 with a wrong password": lambda: basic("rack-01", "not-its-password"),
        "rack-01 (its rack)": lambda: basic("rack-01", store["rack-01"]),
        "staff token": lambda: bearer(person("stella", staff=True), "staff"),
        "staff session": lambda: signed_in(person("sid", staff=True)),
    }[kind]()


@pytest.mark.parametrize(
    ("kind", "status", "by"),
    [
        ("anonymous", 401, None),
        ("shopper session", 403, None),
        ("shopper token", 403, None),
        ("device token", 403, None),
        ("cart's own credentials", 403, None),
        ("rack-02 (another rack)", 403, None),
        ("rack-01 with a wrong password", 401, None),
        ("rack-01 (its rack)", 201, "rack:rack-01"),
        ("staff token", 201, "staff:stella"),
        ("staff session", 201, "staff:sid"),
    ],
)
def test_it_lets_only_staff_and_the_carts_own_rack_force_an_update(docked, store, kind, status, by):
    answer = post(caller(kind, store), "/api/v1/carts/cart-001/update/", BODY)

    assert answer.status_code == status, answer.content
    if status != 201:
        assert UpdateJob.objects.count() == 0
        assert answer.json()["detail"]
        return
    job = answer.json()
    assert (job["device"], job["to_version"], job["state"], job["requested_by"]) == (
        "cart-001",
        "1.1.0",
        "waiting",
        by,
    )
    first = UpdateJob.objects.get().transitions.get()
    assert (first.to_state, first.by) == ("waiting", by)


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/api/v1/carts/cart-999/update/", BODY, 404, "no cart"),
        ("/api/v1/carts/cart-001/update/", {"version": "9.9.9"}, 404, "no cart-v1 release"),
        ("/api/v1/carts/cart-001/update/", {"version": "latest"}, 400, "invalid"),
        ("/api/v1/carts/cart-001/update/", {"override_window": True}, 400, "invalid"),
        ("/api/v1/carts/cart-001/update/", ["1.1.0"], 400, "JSON object"),
    ],
)
def test_it_answers_a_bad_request_with_a_sentence(docked, staff, path, body, status, words):
    answer = post(staff, path, body)

    assert answer.status_code == status
    assert words in (answer.json()["detail"] + answer.json().get("error", ""))


def test_it_refuses_a_second_open_job_and_a_version_the_cart_runs(docked, staff, store):
    assert post(staff, "/api/v1/carts/cart-001/update/", BODY).status_code == 201

    again = post(basic("rack-01", store["rack-01"]), "/api/v1/carts/cart-001/update/", BODY)
    assert again.status_code == 409
    assert "already has an unfinished update job" in again.json()["detail"]

    ready("cart-002", firmware="1.1.0")
    current = post(staff, "/api/v1/carts/cart-002/update/", BODY)
    assert current.status_code == 409
    assert "already runs 1.1.0" in current.json()["detail"]


def test_a_rack_updates_every_cart_docked_in_it_and_no_other(docked, store):
    ready("cart-002", firmware="1.1.0", slot=2)

    answer = post(
        basic("rack-01", store["rack-01"]),
        "/api/v1/racks/rack-01/update/",
        {"version": "1.1.0", "override_window": True},
    )

    assert answer.status_code == 201
    body = answer.json()
    assert [j["device"] for j in body["jobs"]] == ["cart-001"]
    assert body["jobs"][0]["override_window"] is True
    assert body["skipped"] == [
        {"cart": "cart-002", "reason": "cart cart-002 already runs 1.1.0, not older than 1.1.0"}
    ]
    assert not UpdateJob.objects.filter(device_id="cart-003").exists()
    other = post(basic("rack-02", store["rack-02"]), "/api/v1/racks/rack-01/update/", BODY)
    assert other.status_code == 403


def test_staff_may_update_a_whole_rack_and_get_a_404_for_an_unknown_one(docked, staff):
    assert post(staff, "/api/v1/racks/rack-09/update/", BODY).status_code == 404

    answer = post(staff, "/api/v1/racks/rack-02/update/", BODY)

    assert answer.status_code == 201
    assert [j["device"] for j in answer.json()["jobs"]] == ["cart-003"]
    assert answer.json()["jobs"][0]["requested_by"] == "staff:stella"
