"""The console: ops in, everyone else out (signed-out visitors to the sign-in page)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cloud.releases.campaigns import create_campaign

PAGES = [
    "/console/",
    "/console/releases/",
    "/console/campaigns/",
    "/console/campaigns/new/",
    "/console/campaigns/{campaign}/",
    "/console/campaigns/{campaign}/progress.json",
    "/console/stores/",
    "/console/stores/store-001/firmware/",
]


@pytest.fixture
def campaign(release, stores):
    return create_campaign(release=release, stores="all", created_by="ops")


def signed_in(username: str, **flags) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create(username=username, **flags))
    return client


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_every_page_to_ops(page, campaign):
    response = signed_in("olga", is_staff=True).get(page.format(campaign=campaign.pk), follow=True)

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_it_refuses_a_signed_in_user_without_ops(page, campaign):
    response = signed_in("clerk").get(page.format(campaign=campaign.pk))

    assert response.status_code == 403
    assert "has no ops role" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_a_visitor_to_sign_in(page, campaign):
    path = page.format(campaign=campaign.pk)

    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_refuses_an_action_without_ops(campaign):
    response = signed_in("clerk").post(f"/console/campaigns/{campaign.pk}/pause/")

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == "running"


def test_it_refuses_an_action_without_its_csrf_token(campaign):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create(username="olga", is_staff=True))

    response = client.post(f"/console/campaigns/{campaign.pk}/pause/")

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == "running"


def test_it_pauses_from_the_form_and_says_so(campaign):
    response = signed_in("olga", is_staff=True).post(
        f"/console/campaigns/{campaign.pk}/pause/", follow=True
    )

    campaign.refresh_from_db()
    assert campaign.state == "paused"
    assert "Campaign paused: stores start no new install." in response.content.decode()
