"""Nothing the cloud asks for leaves the store's own tier and its allowlist (no SSRF)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from . import proxy_env
from .proxy_env import audit, remote

remote_store = proxy_env.remote_store

# Raw paths as a client could put them on the wire (http.client sends them unnormalised).
TRICKS = {
    "/admin/": "is not under the remote-access allowlist",
    "/http://169.254.169.254/latest/": "must not hold //",
    "/api/v1/../../admin/": "must not hold . or .. segments",
    "/api/v1/%2e%2e/%2e%2e/admin/": "must not hide . / \\ or % behind percent-escapes",
    "/api/v1/%2E%2e%2fadmin/": "must not hide . / \\ or % behind percent-escapes",
    "/api/v1/%252e%252e/admin/": "must not hide . / \\ or % behind percent-escapes",
    "/api/v1\\..\\admin/": "may hold only plain URL characters",
    "/api/v1/@evil.example/": "may hold only plain URL characters",
    "/racks/rack-01//evil.example:8080/": "must not hold //",
}


def raw_get(store: dict, raw_path: str, headers: dict | None = None) -> tuple[int, dict]:
    cloud = urlsplit(store["cloud"])
    conn = http.client.HTTPConnection(cloud.hostname, cloud.port, timeout=20)
    try:
        conn.request(
            "GET",
            f"/remote/{store['store']}{raw_path}",
            headers={"Authorization": f"Bearer {store['token']}", **(headers or {})},
        )
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


@pytest.mark.e2e
def test_it_refuses_paths_outside_the_allowlist_and_every_trick_with_a_sentence(remote_store):
    for path, sentence in TRICKS.items():
        status, body = raw_get(remote_store, path)
        assert status in (400, 403, 404), (path, status, body)
        assert sentence in body["detail"], (path, body)

    refused = {row["path"]: row for row in audit(remote_store, at_least=len(TRICKS))}
    for path, sentence in TRICKS.items():
        assert sentence in refused[path]["refused"], path


@pytest.mark.e2e
def test_it_ignores_host_and_forwarding_headers_from_the_client(remote_store):
    # The store picks the host from its own settings: a Host or X-Forwarded-Host the client
    # sends changes nothing (the answer is still the store's own carts list).
    answer = remote(
        remote_store,
        "/api/v1/carts/",
        headers={"X-Forwarded-Host": "evil.example", "X-SmartCart-Remote-User": "someone-else"},
    )

    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    assert audit(remote_store)[0]["username"] == "ops"


@pytest.mark.e2e
def test_it_refuses_methods_a_rack_page_does_not_take(remote_store):
    answer = remote(remote_store, "/racks/rack-01/", method="POST", content=b"x")

    assert answer.status_code == 405, answer.text
    assert "is not proxied to a rack page" in answer.json()["detail"]
