"""Celery beat runs the same outbox: the tasks deliver due notices and queue reminders."""

from __future__ import annotations

from django.core import mail

from cloud.notifications.services import announce
from cloud.notifications.tasks import deliver_due_notices, remind_open_incidents

from .conftest import make_channel, make_incident


def test_it_delivers_and_reminds_from_beat(store, settings):
    # apply(): the task runs here, as a worker would run it (with Redis set, delay() would
    # wait for a worker this test does not start).
    make_channel("desk", "email", "desk@example.com")
    announce(make_incident(store), "opened")

    assert deliver_due_notices.apply().get()["sent"] == 1
    assert len(mail.outbox) == 1
    assert remind_open_incidents.apply().get() == 0  # the opening was just now
