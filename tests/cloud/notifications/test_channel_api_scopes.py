"""Who may call the notification channels API: ops only; nobody anonymous, no store key, no
signed-in user without the ops role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from ..conftest import raw_token_client
from .conftest import make_channel

ENDPOINTS = [
    ("get", "/api/v1/notification-channels/"),
    ("post", "/api/v1/notification-channels/"),
    ("get", "/api/v1/notification-channels/{pk}/"),
    ("patch", "/api/v1/notification-channels/{pk}/"),
    ("delete", "/api/v1/notification-channels/{pk}/"),
    ("post", "/api/v1/notification-channels/{pk}/test/"),
    ("get", "/api/v1/notification-channels/{pk}/notices/"),
]


@pytest.fixture
def channel(db):
    return make_channel("desk", "email", "desk@example.com")


def call(client, method, path, channel):
    return getattr(client, method)(path.format(pk=channel.pk), {}, format="json")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_request_without_credentials(method, path, channel):
    assert call(APIClient(), method, path, channel).status_code == 401


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_token_whose_holder_is_not_ops(method, path, channel):
    shopper = get_user_model().objects.create(username="shopper")

    response = call(raw_token_client(shopper, "ops"), method, path, channel)

    assert response.status_code == 403 and "ops" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_signed_in_user_without_ops(method, path, channel):
    client = APIClient()
    client.force_login(get_user_model().objects.create(username="clerk"))

    assert call(client, method, path, channel).status_code == 403


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_store_key(method, path, channel, store_key):
    client = APIClient()
    client.credentials(HTTP_X_SMARTCART_STORE="store-001", HTTP_AUTHORIZATION=f"Bearer {store_key}")

    assert call(client, method, path, channel).status_code in (401, 403)


def test_it_serves_ops(channel, ops_api):
    assert ops_api.get("/api/v1/notification-channels/").json()["results"][0]["name"] == "desk"
    assert ops_api.get(f"/api/v1/notification-channels/{channel.pk}/").status_code == 200
    assert ops_api.get(f"/api/v1/notification-channels/{channel.pk}/notices/").status_code == 200
