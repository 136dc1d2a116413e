"""Schemathesis, all checks, against the cloud API in-process: no 5xx, nothing off-schema.

Bounded so the suite stays fast: a fixed seed, FUZZ_EXAMPLES generated requests per operation
and phase (examples, coverage, fuzzing; positive and negative data), against two stores, one
of them with a heartbeat. A failure prints the request to replay.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from cloud.core.tokens import issue_token

from .conftest import seen

FUZZ_EXAMPLES = 15
SEED = 13
ARGS_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]


def fuzz_config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": FUZZ_EXAMPLES,
                "with-security-parameters": False,
            },
            "checks": {"enabled": True},
            "operations": [
                {
                    # A store command's args depend on its name (docs/tunnel.md, "Commands"),
                    # which the schema cannot say: a well-shaped body with wrong args is a 400.
                    "include-path-regex": "^/api/v1/(stores/\\{code\\}/commands|store-commands)/$",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ARGS_STATUSES}},
                },
            ],
        }
    )


# The schema view needs no database, so the schema loads at collection and each operation is a test.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=fuzz_config()
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
