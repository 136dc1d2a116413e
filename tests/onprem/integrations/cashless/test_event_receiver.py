from __future__ import annotations

import hashlib
import hmac
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from onprem.integrations.cashless.models import CashlessEvent

JOB_UPDATE = {
    "type": "JobUpdate",
    "newTag": None,
    "jobUpdate": {
        "jobId": str(uuid.uuid4()),
        "status": "Pending",
        "result": None,
        "createdAt": 1580380077351,
    },
}


def events_path(secret: str) -> str:
    return reverse("cashless-events", kwargs={"secret": secret})


@pytest.fixture
def events_url(settings):
    settings.CASHLESS_EVENT_SECRET = "s3cret-0123456789abcdef"
    return lambda secret="s3cret-0123456789abcdef": events_path(secret)


def test_it_stores_a_job_update_posted_to_the_secret_url(db, events_url):
    response = APIClient().post(events_url(), JOB_UPDATE, format="json")
    assert response.status_code == 204
    event = CashlessEvent.objects.get()
    assert (event.type, str(event.job_id), event.status) == (
        "JobUpdate",
        JOB_UPDATE["jobUpdate"]["jobId"],
        "Pending",
    )


def test_it_stores_a_new_tag_event(db, events_url):
    body = {
        "type": "NewTag",
        "newTag": {"tagNr": "04EA6042924F80", "normalCredits": "26.5"},
        "jobUpdate": None,
    }
    assert APIClient().post(events_url(), body, format="json").status_code == 204
    assert CashlessEvent.objects.get().tag_nr == "04EA6042924F80"


def test_it_answers_not_found_to_a_wrong_secret(db, events_url):
    response = APIClient().post(events_url("guess"), JOB_UPDATE, format="json")
    assert response.status_code == 404
    assert not CashlessEvent.objects.exists()


def test_it_rejects_a_body_that_is_not_an_event(db, events_url):
    response = APIClient().post(events_url(), {"type": "Other"}, format="json")
    assert response.status_code == 400
    assert "JobUpdate or NewTag" in str(response.json())


def test_it_refuses_every_event_when_no_secret_is_set(db, settings):
    # The old fallback: a secret derived from SECRET_KEY, computable by anyone who knows the
    # built-in development key. Without a configured secret nothing is accepted, not even it.
    settings.CASHLESS_EVENT_SECRET = ""
    derived = hmac.new(settings.SECRET_KEY.encode(), b"cashless-events", hashlib.sha256)
    url = reverse("cashless-events", kwargs={"secret": derived.hexdigest()[:32]})

    response = APIClient().post(url, JOB_UPDATE, format="json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "The cashless event receiver is off: set SMARTCART_CASHLESS_EVENT_SECRET"
    )
    assert not CashlessEvent.objects.exists()


def test_it_refuses_a_secret_too_short_to_resist_guessing(db, settings):
    settings.CASHLESS_EVENT_SECRET = "short"

    response = APIClient().post(events_path("short"), JOB_UPDATE, format="json")

    assert response.status_code == 403 and "at least 16" in response.json()["detail"]
