"""Who may read incidents: ops only; never a store key, a non-ops user, or nobody."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from cloud.incidents.models import Incident

from ..conftest import raw_token_client
from .conftest import at

ENDPOINTS = [
    "/api/v1/incidents/",
    "/api/v1/incidents/{incident}/",
    "/api/v1/stores/store-001/incidents/",
]


@pytest.fixture
def incident(store) -> Incident:
    return Incident.objects.create(
        store=store, problem="component:ingest", severity="critical", title="t", opened_at=at(0)
    )


def get(client, path: str, incident: Incident):
    return client.get(path.format(incident=incident.pk))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_refuses_a_request_without_credentials(path, incident):
    response = get(APIClient(), path, incident)

    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_refuses_a_token_whose_holder_is_not_ops(path, incident):
    shopper = get_user_model().objects.create(username="shopper")

    response = get(raw_token_client(shopper, "ops"), path, incident)

    assert response.status_code == 403 and "ops" in response.json()["detail"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_refuses_a_signed_in_user_without_ops(path, incident):
    client = APIClient()
    client.force_login(get_user_model().objects.create(username="clerk"))

    assert get(client, path, incident).status_code == 403


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_refuses_a_store_key(path, incident, store):
    from cloud.stores.services import set_store_key

    key = "k" * 40
    set_store_key(code=store.code, key=key)
    client = APIClient()
    client.credentials(HTTP_X_SMARTCART_STORE=store.code, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert get(client, path, incident).status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_lets_an_ops_token_through(path, incident, ops_api):
    response = get(ops_api, path, incident)

    assert response.status_code == 200
    assert "component:ingest" in response.content.decode()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_it_lets_an_ops_session_through(path, incident):
    client = APIClient()
    client.force_login(get_user_model().objects.create(username="olga", is_staff=True))

    assert get(client, path, incident).status_code == 200
