from __future__ import annotations

import httpx
import pytest

from . import proxy_env
from .proxy_env import audit, remote

remote_store = proxy_env.remote_store


@pytest.mark.e2e
def test_it_refuses_users_without_the_stores_grant_and_anonymous_and_audits_both(remote_store):
    no_grant = remote(remote_store, "/api/v1/carts/", token=remote_store["no_grant_token"])
    anonymous = httpx.get(f"{remote_store['cloud']}/remote/{remote_store['store']}/api/v1/carts/")

    assert no_grant.status_code == 403
    assert no_grant.json()["detail"].startswith(
        f"User 'ops-elsewhere' has no remote access to store {remote_store['store']}"
    )
    assert anonymous.status_code == 401
    assert "needs a bearer token with the ops scope" in anonymous.json()["detail"]
    rows = audit(remote_store)
    assert [(r["username"], r["status"]) for r in rows[:2]] == [("", 401), ("ops-elsewhere", 403)]
    assert all(r["refused"] for r in rows[:2])
