"""Every console page: ops see it, a signed-in user without ops gets the 403 page, a visitor
is sent to sign in."""

from __future__ import annotations

import pytest
from django.test import Client

from cloud.commands.models import StoreCommand
from cloud.notifications.models import Channel

from .conftest import open_incident

PAGES = [
    "/console/stores/",
    "/console/stores/store-ok/",
    "/console/stores/store-ok/commands.json",
    "/console/incidents/",
    "/console/incidents/{incident}/",
    "/console/channels/",
    "/console/channels/new/",
    "/console/software/",
]


@pytest.fixture
def incident(fleet):
    return open_incident(fleet["ok"], "component:cache", "warning")


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_every_page_to_ops(page, ops, incident):
    response = ops.get(page.format(incident=incident.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_it_refuses_a_store_staff_user(page, store_staff, incident):
    response = store_staff.get(page.format(incident=incident.pk))

    assert response.status_code == 403
    assert "has no ops role" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_a_visitor_to_sign_in(page, incident):
    response = Client().get(page.format(incident=incident.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "action",
    [
        "/console/stores/store-ok/actions/",
        "/console/channels/new/",
        "/console/channels/1/test/",
        "/console/software/",
        "/console/software/rollouts/1/abort/",
    ],
)
def test_it_refuses_a_store_staff_user_who_posts(action, store_staff, fleet):
    response = store_staff.post(action, {"action": "ping", "name": "x"})

    assert response.status_code == 403
    assert not StoreCommand.objects.exists() and not Channel.objects.exists()


def test_it_opens_the_console_on_the_stores_list(ops):
    assert ops.get("/console/")["Location"] == "/console/stores/"
