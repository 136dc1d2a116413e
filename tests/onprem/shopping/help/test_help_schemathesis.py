"""Schemathesis over the staff help endpoints with a real request's id, so the fuzzing
reaches acknowledge and resolve instead of stopping at 404 (the suite-wide run uses random
ids; tests/onprem/shopping/test_shopper_schemathesis.py covers the shopper's help endpoints
with a real session): every answer as the schema says, never a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from onprem.shopping import help
from tests.fuzzing import is_uuid, tier_schema

from .conftest import open_session

schema = tier_schema(path_regex="^/api/v1/help-requests/")


@pytest.fixture
def asked(ada, carts):
    """Ada's session on cart-001 with one help request waiting."""
    session = open_session(ada, carts["cart-001"])
    return help.ask_for_help(session=session, reason="heavy crate")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_generated_request_as_its_schema_says(
    case, asked, staff, in_test_transaction
):
    if is_uuid((case.path_parameters or {}).get("id")):  # a malformed id stays malformed
        case.path_parameters["id"] = str(asked.pk)
    response = case.call_and_validate(
        headers={"Authorization": staff.defaults["HTTP_AUTHORIZATION"]}
    )
    assert response.status_code not in (401, 403), "a staff token is let in"
