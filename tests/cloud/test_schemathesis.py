"""Schemathesis, all checks, against the cloud API in-process: no 5xx, nothing off-schema.

Bounded so the suite stays fast: a fixed seed, FUZZ_EXAMPLES generated requests per operation
and phase (examples, coverage, fuzzing; positive and negative data), against two stores, one
of them with a heartbeat. A failure prints the request to replay.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings

from cloud.core.tokens import issue_token
from tests.fuzzing import business_rule, tier_schema

from .conftest import seen

ARGS_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]


schema = tier_schema(
    # A store command's args depend on its name (docs/tunnel.md, "Commands"), which the schema
    # cannot say: a well-shaped body with wrong args is a 400.
    business_rule(
        ARGS_STATUSES, path_regex="^/api/v1/(stores/\\{code\\}/commands|store-commands)/$"
    ),
    # A release is kept only when signed by a trusted key (docs/ota.md), which no generated
    # body is; a campaign or an on-prem rollout needs a release and stores that exist.
    business_rule(ARGS_STATUSES, path_regex="^/api/v1/(releases|campaigns|rollouts)/$"),
    # A channel's target must fit its kind (an address for email, an http(s) URL for a
    # webhook) and its store groups must exist (docs/notifications.md).
    business_rule(ARGS_STATUSES, path_regex="^/api/v1/notification-channels/"),
)


@pytest.fixture
def ops_token(store_key) -> str:
    """store-001 registered and never seen; store-002 online with a heartbeat."""
    seen("store-002", 3)
    user = get_user_model().objects.create(username="fuzz", is_staff=True)
    return issue_token(user=user, scopes=["ops"]).token


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_generated_request_as_its_schema_says(
    case, ops_token, in_test_transaction
):
    case.call_and_validate(headers={"Authorization": f"Bearer {ops_token}"})
