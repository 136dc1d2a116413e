"""A disabled channel sends nothing: what it had pending is dropped with the reason."""

from __future__ import annotations

from cloud.notifications.services import announce, deliver_due, update_channel

from .conftest import make_channel, make_incident


def test_it_drops_the_pending_notices_of_a_channel_turned_off(store, receiver):
    hook = receiver()
    channel = make_channel("hook", "webhook", hook.url)
    announce(make_incident(store), "opened")

    update_channel(channel, enabled=False)
    deliver_due()

    assert hook.requests == []
    notice = channel.notices.get()
    assert notice.state == "failed" and "disabled" in notice.last_error


def test_it_does_not_send_for_a_channel_disabled_behind_the_services_back(store, receiver):
    hook = receiver()
    channel = make_channel("hook", "webhook", hook.url)
    announce(make_incident(store), "opened")
    channel.enabled = False
    channel.save()

    assert deliver_due()["sent"] == 0
    assert hook.requests == []
