"""Who may call the rollouts API: ops only; never a store key, nobody anonymous."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from ..conftest import raw_token_client

OPS_ENDPOINTS = [
    ("get", "/api/v1/rollouts/"),
    ("post", "/api/v1/rollouts/"),
    ("get", "/api/v1/rollouts/1/"),
    ("post", "/api/v1/rollouts/1/abort/"),
    ("get", "/api/v1/stores/store-001/software/"),
]


def call(client, method: str, path: str):
    return getattr(client, method)(path, {}, format="json")


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_request_without_credentials(method, path, stores):
    response = call(APIClient(), method, path)

    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_token_whose_holder_is_not_ops(method, path, stores):
    shopper = get_user_model().objects.create(username="shopper")

    response = call(raw_token_client(shopper, "ops"), method, path)

    assert response.status_code == 403 and "ops" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_signed_in_user_without_ops(method, path, stores):
    client = APIClient()
    client.force_login(get_user_model().objects.create(username="clerk"))

    assert call(client, method, path).status_code == 403


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_refuses_a_store_key(method, path, stores):
    client = APIClient()
    client.credentials(
        HTTP_X_SMARTCART_STORE="store-001", HTTP_AUTHORIZATION=f"Bearer {stores['store-001']}"
    )

    assert call(client, method, path).status_code == 401


@pytest.mark.parametrize(("method", "path"), OPS_ENDPOINTS)
def test_it_lets_an_ops_token_through(method, path, stores, ops_api):
    response = call(ops_api, method, path)

    # Through the door: a 404 for rollout 1 (none exists), a 400 for the empty body.
    assert response.status_code not in (401, 403), response.content
