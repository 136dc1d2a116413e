"""Schemathesis, all checks, over the shopper app's API (/api/v1/shopper/...): no 5xx, nothing
off-schema. Bounded like tests/onprem/test_schemathesis.py (its seed and example count), in a
seeded store: a synced catalog, a pairable cart, a shopper with an open session and a scanned
line. Generated UUIDs in a path are mostly swapped for the seeded ones, so the fuzzing reaches
the basket, checkout and help logic instead of stopping at 404."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from onprem.core.tokens import issue_token
from tests.fuzzing import business_rule, is_uuid, tier_schema
from tests.onprem.shopping.conftest import MILK, ready_cart, shopper_person

SHOPPER_API = "^/api/v1/shopper/"
BUSINESS = ["2xx", "400", "401", "403", "404", "409", "429"]


schema = tier_schema(
    # Whether the email already has an account, or Django's password validators take the
    # password, is no matter of shape: a well-shaped body may be a 400.
    business_rule(BUSINESS, path="/api/v1/shopper/accounts/"),
    # A barcode's check digit (and a quantity on a weighed label) is arithmetic the schema
    # cannot state: a well-shaped scan may be a 400 that says why.
    business_rule(BUSINESS, path="/api/v1/shopper/sessions/{session_id}/items/"),
    path_regex=SHOPPER_API,
)


@pytest.fixture
def shopping(db, catalog, settings) -> dict:
    """Ann's token, her open session on cart-001 with a line, and a second pairable cart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    # Sign-up throttling has its own test; here it would turn most sign-ups into 429s.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/min"),
    }
    ann = shopper_person("ann", "Ann")
    auth = f"Bearer {issue_token(username=ann.username, scopes=['shopper']).token}"
    client = Client(headers={"Authorization": auth})
    cart = ready_cart("cart-001")
    ready_cart("cart-002")
    session = client.post(
        "/api/v1/shopper/sessions/",
        {"cart_code": cart.pairing_code},
        content_type="application/json",
    ).json()["id"]
    line = client.post(
        f"/api/v1/shopper/sessions/{session}/items/",
        {"barcode": MILK},
        content_type="application/json",
    ).json()["line"]["id"]
    return {"auth": auth, "ids": {"session_id": session, "line_id": line}}


def seeded(case, ids: dict) -> None:
    """A generated UUID in the path becomes the seeded object's (a malformed one stays)."""
    for name, value in (case.path_parameters or {}).items():
        if name in ids and is_uuid(value):
            case.path_parameters[name] = ids[name]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_generated_shopper_request_as_its_schema_says(
    case, shopping, in_test_transaction
):
    seeded(case, shopping["ids"])
    case.call_and_validate(headers={"Authorization": shopping["auth"]})
