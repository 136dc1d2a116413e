"""Who may call the releases and campaigns API: ops only; never a store key, nobody anonymous."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from ..conftest import raw_token_client

OPS_ENDPOINTS = [
    ("get", "/api/v1/releases/"),
    ("post", "/api/v1/releases/"),
    ("get", "/api/v1/releases/{release}/"),
    ("get", "/api/v1/campaigns/"),
    ("post", "/api/v1/campaigns/"),
    ("get", "/api/v1/campaigns/1/"),
    ("post", "/api/v1/campaigns/1/pause/"),
    ("post", "/api/v1/campaigns/1/resume/"),
    ("post", "/api/v1/campaigns/1/abort/"),
    ("post", "/api/v1/campaigns/1/approve/"),
    ("get", "/api/v1/stores/store-001/firmware/"),
]


def call(client, method: str, path: str, release):
    # The upload takes multipart only: a JSON body there is a 415 before anyone is asked.
    body_format = "multipart" if path == "/api/v1/releases/" else "json"
    return getattr(client, method)(path.format(release=release.pk), {}, format=body_format)


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_request_without_credentials(method, path, release):
    response = call(APIClient(), method, path, release)

    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_token_whose_holder_is_not_ops(method, path, release):
    shopper = get_user_model().objects.create(username="shopper")

    response = call(raw_token_client(shopper, "ops"), method, path, release)

    assert response.status_code == 403
    assert "ops" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_signed_in_user_without_ops(method, path, release):
    client = APIClient()
    client.force_login(get_user_model().objects.create(username="clerk"))

    response = call(client, method, path, release)

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_store_key(method, path, release, stores):
    client = APIClient()
    client.credentials(
        HTTP_X_SMARTCART_STORE="store-001", HTTP_AUTHORIZATION=f"Bearer {stores['store-001']}"
    )

    response = call(client, method, path, release)

    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_lets_an_ops_token_through(method, path, release, stores, ops_api):
    response = call(ops_api, method, path, release)

    # Through the door: what follows is the endpoint's own answer (a 404 for campaign 1,
    # which does not exist; a 400 or 415 for the empty bodies), never 401 or 403.
    assert response.status_code not in (401, 403), response.content
