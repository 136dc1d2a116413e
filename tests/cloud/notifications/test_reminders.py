"""While an incident stays open, each channel told of it gets a reminder every
SMARTCART_NOTIFY_REPEAT_SECONDS; a resolved incident gets none."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cloud.notifications.models import Notice
from cloud.notifications.services import announce, deliver_due, remind_due

from .conftest import make_channel, make_incident


def test_it_reminds_every_repeat_interval_while_open(store, receiver, settings):
    settings.NOTIFY_REPEAT_SECONDS = 3600
    hook = receiver()
    make_channel("hook", "webhook", hook.url)
    incident = make_incident(store)
    announce(incident, "opened")
    deliver_due()
    now = timezone.now()

    assert remind_due(now + timedelta(minutes=30)) == 0
    assert remind_due(now + timedelta(minutes=61)) == 1
    assert remind_due(now + timedelta(minutes=62)) == 0  # not again before the next hour
    deliver_due(now + timedelta(minutes=62))
    assert remind_due(now + timedelta(minutes=122)) == 1
    deliver_due(now + timedelta(minutes=122))

    assert [r["json"]["event"] for r in hook.requests] == ["opened", "reminder", "reminder"]
    keys = Notice.objects.filter(event="reminder").values_list("key", flat=True)
    assert sorted(keys) == [f"{incident.pk}:reminder:1", f"{incident.pk}:reminder:2"]


def test_it_does_not_remind_of_a_resolved_incident(store):
    make_channel("desk", "email", "desk@example.com")
    incident = make_incident(store)
    announce(incident, "opened")
    incident.state = "resolved"
    incident.resolved_at = timezone.now()
    incident.save()

    assert remind_due(timezone.now() + timedelta(days=1)) == 0


def test_it_does_not_remind_a_disabled_channel(store):
    channel = make_channel("desk", "email", "desk@example.com")
    announce(make_incident(store), "opened")
    channel.enabled = False
    channel.save()

    assert remind_due(timezone.now() + timedelta(days=1)) == 0
