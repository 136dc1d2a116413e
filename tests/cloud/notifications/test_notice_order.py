"""A channel hears an incident's events in order, and a channel that just failed is not tried
again for its other notices until its backoff is over (they wait, they do not fail)."""

from __future__ import annotations

from django.utils import timezone

from cloud.notifications.delivery import BACKOFF
from cloud.notifications.models import Notice
from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident

NOTHING = {"sent": 0, "retrying": 0, "failed": 0, "deferred": 0}


def test_it_sends_the_resolve_only_after_the_retried_opening(store, receiver):
    hook = receiver(statuses=[500, 200])
    make_channel("hook", "webhook", hook.url)
    incident = make_incident(store)
    announce(incident, "opened")
    assert deliver_due()["retrying"] == 1
    incident.state, incident.resolved_at = "resolved", timezone.now()
    incident.save()
    announce(incident, "resolved")

    assert deliver_due() == NOTHING  # the resolve waits behind the opening
    assert deliver_due(timezone.now() + BACKOFF[0])["sent"] == 2

    assert [r["json"]["event"] for r in hook.requests] == ["opened", "opened", "resolved"]


def test_it_holds_a_failing_channels_other_notices_without_spending_their_attempts(store, receiver):
    hook = receiver(statuses=[503, 200])
    channel = make_channel("hook", "webhook", hook.url)
    for problem in ("component:database", "component:cache", "component:broker"):
        announce(make_incident(store, problem=problem), "opened")

    assert deliver_due() == {**NOTHING, "retrying": 1, "deferred": 2}
    assert len(hook.requests) == 1
    waiting = channel.notices.filter(attempts=0)
    assert waiting.count() == 2 and all(n.state == "pending" for n in waiting)

    assert deliver_due(timezone.now() + BACKOFF[0])["sent"] == 3
    assert Notice.objects.filter(state="sent").count() == 3
