"""The bounded schemathesis setup every API fuzz test shares: all checks, a fixed seed and
FUZZ_EXAMPLES generated requests per operation and phase, so the suite stays fast and a
failure replays."""

from __future__ import annotations

import uuid

import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.config import SchemathesisConfig

FUZZ_EXAMPLES = 15
SEED = 13


def business_rule(statuses: list[str], *, path: str = "", path_regex: str = "") -> dict:
    """An operation whose well-shaped body may still break a rule the schema cannot state
    (why goes in a comment beside the call): those statuses are accepted for positive data."""
    where = {"include-path": path} if path else {"include-path-regex": path_regex}
    return {**where, "checks": {"positive_data_acceptance": {"expected-statuses": statuses}}}


def fuzz_config(*operations: dict) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": FUZZ_EXAMPLES,
                "with-security-parameters": False,
            },
            "checks": {"enabled": True},
            **({"operations": list(operations)} if operations else {}),
        }
    )


def tier_schema(*operations: dict, path_regex: str = ""):
    """The tier's own OpenAPI, served in-process (the schema view needs no database, so it
    loads at collection and each operation is a test), narrowed to `path_regex`."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), config=fuzz_config(*operations)
    )
    return schema.include(path_regex=path_regex) if path_regex else schema


def is_uuid(value) -> bool:
    """Whether a generated path id is a well-formed UUID (then a test may swap in a real one)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
