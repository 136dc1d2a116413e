"""A resolved notice goes to the channels that were told the incident opened, even when the
routing changed meanwhile, and to no channel that was not told."""

from __future__ import annotations

from django.utils import timezone

from cloud.notifications.models import Notice
from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident, make_store


def resolve(incident):
    incident.state = "resolved"
    incident.resolved_at = timezone.now()
    incident.save()


def test_it_sends_the_resolve_to_the_channels_told_of_the_opening(db, receiver):
    store = make_store("store-n1", group="north")
    hook = receiver()
    told = make_channel("north hook", "webhook", hook.url, groups=["north"])
    incident = make_incident(store)
    announce(incident, "opened")
    deliver_due()
    told.store_groups.clear()  # routing changes while the incident is open...
    told.min_severity = "critical"
    make_channel("latecomer", "email", "late@example.com")  # ...and a channel is added

    resolve(incident)
    assert announce(incident, "resolved") == 1
    deliver_due()

    assert [r["json"]["event"] for r in hook.requests] == ["opened", "resolved"]
    body = hook.requests[1]["json"]["incident"]
    assert body["state"] == "resolved" and body["resolved_at"]
    assert not Notice.objects.filter(channel__name="latecomer").exists()


def test_it_sends_flapping_and_resolve_once(store, receiver):
    hook = receiver()
    make_channel("hook", "webhook", hook.url)
    incident = make_incident(store)
    announce(incident, "opened")
    incident.flapping = True
    incident.save()
    for _ in range(5):  # the incident sweep may say it again each time it flips
        announce(incident, "flapping")
    resolve(incident)
    announce(incident, "resolved")
    deliver_due()

    assert [r["json"]["event"] for r in hook.requests] == ["opened", "flapping", "resolved"]
