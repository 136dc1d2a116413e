"""Celery beat runs the same outbox: the tasks deliver due notices and queue reminders."""

from __future__ import annotations

from django.core import mail

from cloud.notifications.services import announce
from cloud.notifications.tasks import deliver_due_notices, remind_open_incidents

from .conftest import make_channel, make_incident


def test_it_delivers_and_reminds_from_beat(store, settings):
    make_channel("desk", "email", "desk@example.com")
    announce(make_incident(store), "opened")

    assert deliver_due_notices.delay().get()["sent"] == 1
    assert len(mail.outbox) == 1
    assert remind_open_incidents.delay().get() == 0  # the opening was just now
