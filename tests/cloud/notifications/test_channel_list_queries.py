"""The channel list and a channel's notices cost the same few queries however many rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloud.notifications.services import announce

from .conftest import make_channel, make_incident, make_store


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_lists_channels_in_a_fixed_number_of_queries(ops_api):
    make_store("store-n1", group="north")
    make_channel("first", "email", "a@example.com", groups=["north"])
    few = queries(ops_api, "/api/v1/notification-channels/")
    for n in range(10):
        make_channel(f"more {n}", "email", "a@example.com", groups=["north"])

    assert queries(ops_api, "/api/v1/notification-channels/") == few


def test_it_lists_notices_in_a_fixed_number_of_queries(ops_api):
    store = make_store("store-001")
    channel = make_channel("desk", "email", "a@example.com")
    announce(make_incident(store), "opened")
    path = f"/api/v1/notification-channels/{channel.pk}/notices/"
    few = queries(ops_api, path)
    for n in range(10):
        announce(make_incident(store, problem=f"component:c{n}"), "opened")

    assert queries(ops_api, path) == few
