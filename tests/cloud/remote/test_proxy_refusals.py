"""What the cloud answers itself, before any store is asked; each answer is audited."""

from __future__ import annotations

import asyncio

from django.test import AsyncClient

from cloud.remote.models import RemoteRequest

from .conftest import bearer, ops_user


def get(path: str, headers: dict | None = None):
    return asyncio.run(AsyncClient().get(path, headers=headers or {}))


def test_it_asks_anonymous_callers_to_sign_in(transactional_db, store_key):
    answer = get("/remote/store-001/api/v1/carts/")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["detail"] == (
        "Remote access needs a bearer token with the ops scope, or an ops console session."
    )
    row = RemoteRequest.objects.get()
    assert (row.username, row.status, row.path) == ("", 401, "/api/v1/carts/")


def test_it_refuses_an_ops_user_without_the_stores_grant(transactional_db, store_key):
    ops_user("ops-other", store=None)
    answer = get("/remote/store-001/api/v1/carts/", bearer(ops_user("ops-other")))

    assert answer.status_code == 403
    assert answer.json()["detail"].startswith(
        "User 'ops-other' has no remote access to store store-001"
    )
    assert RemoteRequest.objects.get().refused.startswith("User 'ops-other' has no remote access")


def test_it_refuses_a_user_who_does_not_hold_ops(transactional_db, store_key):
    from django.contrib.auth import get_user_model

    from tests.cloud.conftest import raw_token_client

    shopper = get_user_model().objects.create_user("shopper")
    token = raw_token_client(shopper, "ops")._credentials["HTTP_AUTHORIZATION"]
    answer = get("/remote/store-001/api/v1/carts/", {"Authorization": token})

    assert answer.status_code == 403
    assert "ops" in answer.json()["detail"]


def test_it_says_when_the_store_is_unknown(transactional_db, granted):
    answer = get("/remote/store-999/api/v1/carts/", granted)

    assert answer.status_code == 404
    assert answer.json()["detail"] == "No store 'store-999' in the registry."


def test_it_answers_502_when_the_store_has_no_tunnel_open(transactional_db, granted):
    answer = get("/remote/store-001/api/v1/carts/", granted)

    assert answer.status_code == 502
    assert answer.json() == {
        "error": "store_offline",
        "detail": "Store store-001 has no tunnel open.",
    }
    assert RemoteRequest.objects.get().status == 502


def test_it_refuses_a_request_body_over_the_limit(transactional_db, granted):
    body = b"x" * (128 * 1024 + 1)
    answer = asyncio.run(
        AsyncClient().post("/remote/store-001/api/v1/", body, "text/plain", headers=granted)
    )

    assert answer.status_code == 413
    assert "at most 131072 bytes" in answer.json()["detail"]
