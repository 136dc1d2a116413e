from __future__ import annotations

import pytest

from . import proxy_env
from .proxy_env import audit, remote

remote_store = proxy_env.remote_store


@pytest.mark.e2e
def test_it_opens_the_stores_carts_through_the_tunnel_as_ops(remote_store):
    answer = remote(remote_store, "/api/v1/carts/")

    assert answer.status_code == 200, answer.text
    devices = sorted(cart["device_id"] for cart in answer.json()["results"])
    assert devices == ["cart-001", "cart-002"]
    row = audit(remote_store)[0]
    assert (row["method"], row["path"], row["status"]) == ("GET", "/api/v1/carts/", 200)
    assert row["username"] == "ops" and row["bytes"] == len(answer.content)
