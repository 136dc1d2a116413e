"""Ops manage channels over REST: create (sends nothing, shows the secret once), change, test,
read the notices, delete; a wrong target or an unknown group is a 400 that says why."""

from __future__ import annotations

import pytest

from cloud.notifications.models import Channel, Notice
from cloud.stores.models import StoreGroup

URL = "/api/v1/notification-channels/"


@pytest.fixture
def hook_url(receiver):
    return receiver()


def test_it_creates_a_webhook_and_sends_nothing(ops_api, hook_url):
    StoreGroup.objects.create(name="north")

    response = ops_api.post(
        URL,
        {"name": "hook", "kind": "webhook", "target": hook_url.url, "store_groups": ["north"]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["store_groups"] == ["north"] and body["status"] == "ok"
    assert body["created_by"] == "ops" and body["min_severity"] == "info"
    assert len(body["secret"]) == 64
    assert "secret" not in ops_api.get(f"{URL}{body['id']}/").json()
    assert "secret" not in ops_api.get(URL).json()["results"][0]
    assert hook_url.requests == [] and not Notice.objects.exists()


def test_it_keeps_a_secret_ops_give(ops_api):
    response = ops_api.post(
        URL,
        {"name": "h", "kind": "webhook", "target": "https://hooks.example/x", "secret": "s" * 20},
        format="json",
    )

    assert Channel.objects.get(pk=response.json()["id"]).secret == "s" * 20


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"kind": "webhook", "target": "ftp://x.example/"}, "target", "http:// or https://"),
        ({"kind": "slack", "target": "hooks.slack.com/x"}, "target", "http:// or https://"),
        ({"kind": "email", "target": "not-an-address"}, "target", "not a valid email"),
        (
            {"kind": "email", "target": "a@x.example", "store_groups": ["nowhere"]},
            "store_groups",
            "no store group named nowhere",
        ),
        ({"kind": "pager", "target": "a@x.example"}, "kind", "not a valid choice"),
    ],
)
def test_it_refuses_a_bad_channel_saying_why(ops_api, fields, field, words):
    response = ops_api.post(URL, {"name": "bad", **fields}, format="json")

    assert response.status_code == 400
    assert words in response.json()["fields"][field][0]
    assert not Channel.objects.exists()


def test_it_refuses_a_second_channel_of_the_same_name(ops_api):
    body = {"name": "desk", "kind": "email", "target": "a@x.example"}
    ops_api.post(URL, body, format="json")

    response = ops_api.post(URL, body, format="json")

    assert response.status_code == 400 and "exists already" in response.json()["fields"]["name"][0]


def test_it_changes_a_channel(ops_api):
    pk = ops_api.post(
        URL, {"name": "d", "kind": "email", "target": "a@x.example"}, format="json"
    ).json()["id"]
    StoreGroup.objects.create(name="south")

    response = ops_api.patch(
        f"{URL}{pk}/",
        {"min_severity": "critical", "store_groups": ["south"], "enabled": False},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["min_severity"], response.json()["store_groups"]) == (
        "critical",
        ["south"],
    )
    assert "secret" not in response.json()
    bad = ops_api.patch(f"{URL}{pk}/", {"kind": "webhook"}, format="json")
    assert bad.status_code == 400 and "target" in bad.json()["fields"]
    new_secret = ops_api.patch(f"{URL}{pk}/", {"secret": "n" * 32}, format="json")
    assert new_secret.json()["secret"] == "n" * 32


def test_it_tests_a_channel_and_lists_its_notices(ops_api, hook_url, down_url):
    good = ops_api.post(
        URL, {"name": "g", "kind": "webhook", "target": hook_url.url}, format="json"
    ).json()
    down = ops_api.post(
        URL, {"name": "d", "kind": "webhook", "target": down_url}, format="json"
    ).json()

    sent = ops_api.post(f"{URL}{good['id']}/test/")
    failed = ops_api.post(f"{URL}{down['id']}/test/")

    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    assert failed.json()["state"] == "failed" and failed.json()["last_error"]
    assert ops_api.get(f"{URL}{down['id']}/").json()["status"] == "failing"
    [notice] = ops_api.get(f"{URL}{good['id']}/notices/").json()["results"]
    assert (notice["event"], notice["state"], notice["incident"]) == ("test", "sent", None)


def test_it_deletes_a_channel(ops_api):
    pk = ops_api.post(
        URL, {"name": "d", "kind": "email", "target": "a@x.example"}, format="json"
    ).json()["id"]

    assert ops_api.delete(f"{URL}{pk}/").status_code == 204
    assert ops_api.get(f"{URL}{pk}/").status_code == 404
    assert ops_api.post(f"{URL}{pk}/test/").status_code == 404
