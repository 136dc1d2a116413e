"""A webhook notice is a JSON POST whose signature header verifies with the channel's secret."""

from __future__ import annotations

import hashlib
import hmac

from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident


def test_it_signs_the_exact_body_with_the_channel_secret(store, receiver):
    hook = receiver()
    channel = make_channel("ops hook", "webhook", hook.url)
    incident = make_incident(store)

    assert announce(incident, "opened") == 1
    assert deliver_due() == {"sent": 1, "retrying": 0, "failed": 0, "deferred": 0}

    [request] = hook.requests
    expected = hmac.new(channel.secret.encode(), request["raw"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-SmartCart-Signature"] == f"sha256={expected}"
    assert request["headers"]["X-SmartCart-Event"] == "opened"
    notice = channel.notices.get()
    assert request["headers"]["X-SmartCart-Delivery"] == str(notice.pk)
    assert request["json"]["event"] == "opened"
    assert request["json"]["incident"]["store"] == "store-001"
    assert request["json"]["incident"]["problem"] == "component:database"
    assert notice.state == "sent"


def test_it_does_not_verify_with_another_secret(store, receiver):
    hook = receiver()
    make_channel("ops hook", "webhook", hook.url)
    announce(make_incident(store), "opened")
    deliver_due()

    [request] = hook.requests
    forged = hmac.new(b"not-the-secret", request["raw"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-SmartCart-Signature"] != f"sha256={forged}"
