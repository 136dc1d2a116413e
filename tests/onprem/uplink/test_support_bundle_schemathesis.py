"""Schemathesis against the support bundle download with an ops token (the suite-wide run uses a
staff token, which this endpoint answers 403): every answer as the schema says, never a 5xx."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, settings

from onprem.core.tokens import issue_token
from onprem.uplink.actions import ACTIONS
from tests.fuzzing import tier_schema

from .remote_actions import demo_table

schema = tier_schema(path_regex="^/api/v1/support-bundles/")


@pytest.fixture
def ops_token(db, tmp_path, settings) -> str:
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    ACTIONS["action.support_bundle"]({})
    user = get_user_model().objects.create_user("fuzz-ops")
    user.groups.add(Group.objects.get_or_create(name="ops")[0])
    return issue_token(username="fuzz-ops", scopes=["ops"]).token


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_generated_request_as_its_schema_says(
    case, ops_token, in_test_transaction
):
    case.call_and_validate(headers={"Authorization": f"Bearer {ops_token}"})
