"""A webhook that answers 5xx is retried with backoff (10 s, 30 s, ...) until it answers 2xx;
a 4xx that says the request is wrong stops at once with the reason."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cloud.notifications.delivery import BACKOFF
from cloud.notifications.models import Channel
from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident


def test_it_retries_after_a_500_and_then_sends(store, receiver):
    hook = receiver(statuses=[500, 200])
    channel = make_channel("ops hook", "webhook", hook.url)
    announce(make_incident(store), "opened")
    start = timezone.now()

    assert deliver_due(start) == {"sent": 0, "retrying": 1, "failed": 0, "deferred": 0}
    notice = channel.notices.get()
    assert (notice.state, notice.attempts) == ("pending", 1)
    assert "HTTP 500" in notice.last_error
    assert notice.next_attempt_at >= start + BACKOFF[0]
    channel.refresh_from_db()
    assert channel.status == "failing" and "HTTP 500" in channel.last_error

    assert deliver_due(start + timedelta(seconds=5)) == {
        "sent": 0,
        "retrying": 0,
        "failed": 0,
        "deferred": 0,
    }
    assert deliver_due(timezone.now() + BACKOFF[0]) == {
        "sent": 1,
        "retrying": 0,
        "failed": 0,
        "deferred": 0,
    }

    notice.refresh_from_db()
    channel.refresh_from_db()
    assert (notice.state, notice.attempts) == ("sent", 2)
    assert channel.status == "ok" and channel.last_error == "" and channel.failing_since is None
    assert len(hook.requests) == 2
    first, second = (r["headers"]["X-SmartCart-Delivery"] for r in hook.requests)
    assert first == second == str(notice.pk)  # the receiver can tell a retry from a new notice


def test_it_gives_up_after_the_last_backoff_step(store, receiver):
    hook = receiver(statuses=[503])
    channel = make_channel("ops hook", "webhook", hook.url)
    announce(make_incident(store), "opened")
    later = timezone.now()

    for _ in BACKOFF:
        assert deliver_due(later)["retrying"] == 1
        later += timedelta(hours=1)
    assert deliver_due(later) == {"sent": 0, "retrying": 0, "failed": 1, "deferred": 0}

    notice = channel.notices.get()
    assert (notice.state, notice.attempts) == ("failed", len(BACKOFF) + 1)
    assert len(hook.requests) == len(BACKOFF) + 1


def test_it_stops_at_once_on_a_404_with_the_reason(store, receiver):
    hook = receiver(statuses=[404])
    channel = make_channel("ops hook", "webhook", hook.url)
    announce(make_incident(store), "opened")

    assert deliver_due() == {"sent": 0, "retrying": 0, "failed": 1, "deferred": 0}

    notice = channel.notices.get()
    assert notice.state == "failed" and "HTTP 404" in notice.last_error
    assert Channel.objects.get(pk=channel.pk).status == "failing"


def test_it_retries_a_429(store, receiver):
    receiver_429 = receiver(statuses=[429, 200])
    make_channel("ops hook", "webhook", receiver_429.url)
    announce(make_incident(store), "opened")

    assert deliver_due()["retrying"] == 1
