"""Every store API endpoint x every kind of caller: who gets in, who gets a 401 or a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.fleet.services import provision_device
from tests.oauth_flows import application, signed_in, token_request

READ = [
    "/api/v1/racks/",
    "/api/v1/racks/rack-01/",
    "/api/v1/carts/",
    "/api/v1/carts/cart-001/",
    "/api/v1/carts/cart-001/telemetry/",
    "/api/v1/dead-letters/",
    "/api/v1/integrations/erp/status",
]
SYNC = "/api/v1/integrations/erp/sync"

# caller -> (status on READ endpoints, status on POST SYNC with a bad kind: 400 = let in)
EXPECTED = {
    "anonymous": (401, 401),
    "shopper token": (403, 403),
    "staff token": (200, 400),
    "ops token": (200, 403),
    "device token": (403, 403),
    "integration app token": (403, 403),
    "deactivated staff token": (401, 401),
    "staff session": (200, 400),
    "shopper session": (403, 403),
}


def caller(kind: str, people: dict) -> Client:
    if kind == "anonymous":
        return Client()
    if kind.endswith("session"):
        return signed_in(people[kind.split()[0]])
    if kind == "integration app token":
        app = application("erp", grant="client-credentials", owner=people["integration"])
        raw = token_request(app, grant_type="client_credentials", scope="integration").json()
        return Client(headers={"Authorization": f"Bearer {raw['access_token']}"})
    role = "staff" if kind.startswith("deactivated") else kind.split()[0]
    user = people["staff"] if kind.startswith("deactivated") else people[role]
    raw = issue_token(username=user.username, scopes=[role]).token
    if kind.startswith("deactivated"):
        user.is_active = False
        user.save()
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def fleet(db):
    provision_device(kind="rack", device_id="rack-01", slot_count=2)
    provision_device(kind="cart", device_id="cart-001")


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_endpoint_lets_in_only_the_callers_its_scopes_name(fleet, people, kind):
    client = caller(kind, people)
    read_status, sync_status = EXPECTED[kind]

    got = {path: client.get(path).status_code for path in READ}
    sync = client.post(SYNC, {"kind": "nope"}, content_type="application/json")

    assert got == dict.fromkeys(READ, read_status)
    assert sync.status_code == sync_status
    if sync_status == 403:
        assert "needs one of staff" in sync.json()["detail"]


@pytest.mark.parametrize("kind", ["anonymous", "staff token", "integration app token"])
def test_the_cashless_callback_answers_to_its_path_secret_not_to_tokens(fleet, people, kind):
    response = caller(kind, people).post(
        "/api/v1/integrations/cashless/events/not-the-secret/", {}, content_type="application/json"
    )

    # The same refusal whatever token comes along: the wrong secret is the only thing checked.
    assert response.status_code in (403, 404)
