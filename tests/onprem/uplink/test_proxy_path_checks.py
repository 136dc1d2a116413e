"""The store's path rule on its own: every trick refused with its sentence, plain paths kept."""

from __future__ import annotations

import pytest

from onprem.uplink.proxy import Refused, checked_path, request_headers

PREFIXES = ("/api/v1/", "/static/")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/carts/", "/api/v1/carts/cart-001/", "/static/app.css", "/api/v1/a%20b/"],
)
def test_it_keeps_plain_paths_under_the_allowlist(path):
    assert checked_path(path, PREFIXES) == path


@pytest.mark.parametrize(
    ("path", "status", "sentence"),
    [
        ("http://evil.example/api/v1/", 400, "must start with /"),
        ("//evil.example/api/v1/", 400, "must not hold //"),
        ("/api/v1//evil.example/", 400, "must not hold //"),
        ("/api/v1/../../admin/", 400, ". or .. segments"),
        ("/api/v1/./carts/", 400, ". or .. segments"),
        ("/api/v1/%2e%2e/admin/", 400, "percent-escapes"),
        ("/api/v1/%2F..%2Fadmin/", 400, "percent-escapes"),
        ("/api/v1/%5c..%5cadmin/", 400, "percent-escapes"),
        ("/api/v1/%252e%252e/", 400, "percent-escapes"),
        ("/api/v1/%00/", 400, "percent-escapes"),
        ("/api/v1\\..\\admin/", 400, "plain URL characters"),
        ("/api/v1/@evil.example/", 400, "plain URL characters"),
        ("/api/v1/carts/ HTTP/1.1\r\nHost: evil", 400, "plain URL characters"),
        ("/admin/", 403, "not under the remote-access allowlist"),
        ("/api/v10/", 403, "not under the remote-access allowlist"),
        (None, 400, "must start with /"),
    ],
)
def test_it_refuses_every_trick_with_a_sentence(path, status, sentence):
    with pytest.raises(Refused) as refused:
        checked_path(path, PREFIXES)

    assert refused.value.status == status
    assert sentence in str(refused.value)


def test_it_never_forwards_the_clouds_credentials_or_claims_and_maps_the_rack_login():
    sent = [
        ["Authorization", "Bearer cloud-token"],
        ["Cookie", "sessionid=cloud"],
        ["Host", "evil.example"],
        ["X-Forwarded-Host", "evil.example"],
        ["X-SmartCart-Remote-User", "someone-else"],
        ["Connection", "close"],
        ["Proxy-Authorization", "Basic x"],
        ["X-SmartCart-Rack-Authorization", "Basic dGVjaDpwdw=="],
        ["Accept", "application/json"],
    ]

    to_store = request_headers(sent, rack=False)
    to_rack = request_headers(sent, rack=True)

    assert to_store == {"Accept": "application/json", "Accept-Encoding": "identity"}
    assert to_rack == {**to_store, "Authorization": "Basic dGVjaDpwdw=="}
