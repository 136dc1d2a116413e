from __future__ import annotations

import base64

import pytest

from . import proxy_env
from .proxy_env import audit, remote

remote_store, rack_page = proxy_env.remote_store, proxy_env.rack_page


@pytest.mark.e2e
def test_it_opens_a_racks_page_with_the_technician_login_and_never_the_clouds(
    remote_store, rack_page
):
    login = "Basic " + base64.b64encode(b"technician:rack-secret").decode()

    answer = remote(
        remote_store,
        "/racks/rack-01/slots.json?x=1",
        headers={"X-SmartCart-Rack-Authorization": login},
    )

    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/slots.json?x=1"
    assert seen["authorization"] == login  # the technician's, not the cloud's bearer token
    assert seen["remote_user"] == "ops"
    assert seen["host"] == f"127.0.0.1:{rack_page.server_address[1]}"
    assert audit(remote_store)[0]["path"] == "/racks/rack-01/slots.json"


@pytest.mark.e2e
def test_it_says_when_a_rack_announces_no_page(remote_store):
    answer = remote(remote_store, "/racks/rack-01/")

    assert answer.status_code == 404
    assert answer.json()["detail"] == "The store refused: rack rack-01 announces no web page."
    assert audit(remote_store)[0]["refused"] == "rack rack-01 announces no web page"
