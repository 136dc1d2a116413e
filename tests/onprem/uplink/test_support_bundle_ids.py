"""Bundle ids: only a well-formed id of a bundle that exists is served; path tricks get 400/404."""

from __future__ import annotations

import os
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table


@pytest.fixture
def ops(db, tmp_path, settings) -> Client:
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    user = get_user_model().objects.create_user("olga")
    user.groups.add(Group.objects.get_or_create(name="ops")[0])
    return Client(
        headers={"Authorization": f"Bearer {issue_token(username='olga', scopes=['ops']).token}"}
    )


@pytest.mark.parametrize(
    "bundle_id",
    [
        "..",
        "20261123T214600Z-1a2b3c4d.tar.gz",
        "20261123T214600Z-1A2B3C4D",
        "onprem.sqlite3",
        "20261123T214600Z-1a2b3c4d%0A",
        "20261123T214600Z-1a2b3c4d%00",
        "x" * 300,
    ],
)
def test_it_refuses_what_is_not_a_bundle_id(ops, bundle_id):
    response = ops.get(f"/api/v1/support-bundles/{bundle_id}/")

    assert response.status_code == 400
    assert (
        response.json()["detail"]
        == "bundle_id is not a support bundle id (like 20261123T214600Z-1a2b3c4d)."
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/support-bundles/../../settings.py/",
        "/api/v1/support-bundles/a/b/",
        "/api/v1/support-bundles/%2e%2e/%2e%2e/onprem.sqlite3/",
        "/api/v1/support-bundles/..%2F..%2Fonprem.sqlite3/",
        "/api/v1/support-bundles/%2Fetc%2Fpasswd/",
    ],
)
def test_it_serves_nothing_outside_its_folder(ops, path):
    response = ops.get(path)

    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


def test_it_answers_404_for_a_bundle_that_was_never_built(ops):
    response = ops.get("/api/v1/support-bundles/20261123T214600Z-1a2b3c4d/")

    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No support bundle 20261123T214600Z-1a2b3c4d: it was never built here, or it expired."
    )


def test_it_answers_404_for_an_expired_bundle(ops, settings):
    built = ACTIONS["action.support_bundle"]({})
    path = settings.SUPPORT_BUNDLE_DIR / f"{built['bundle_id']}.tar.gz"
    day_ago = time.time() - 24 * 3600 - 1
    os.utime(path, (day_ago, day_ago))

    assert ops.get(built["download_path"]).status_code == 404


def test_it_never_serves_a_bundle_still_being_written(ops, settings):
    settings.SUPPORT_BUNDLE_DIR.mkdir(parents=True)
    (settings.SUPPORT_BUNDLE_DIR / "20261123T214600Z-1a2b3c4d.tar.gz.part").write_bytes(b"half")

    assert ops.get("/api/v1/support-bundles/20261123T214600Z-1a2b3c4d/").status_code == 404
