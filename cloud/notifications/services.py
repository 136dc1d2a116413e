"""Notification verbs: announce an incident event, deliver the outbox, remind, test a channel.

announce() only writes Notice rows (cheap, inside the incident sweep); deliver_due() sends
them from the monitor or Celery beat, several at once, each bounded by a short timeout, so a
channel that is down is retried with backoff while every other channel is served.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from cloud.incidents.models import SEVERITY_RANK, Incident

from . import delivery
from .models import Channel, Notice
from .validation import ChannelInvalid, check_channel, group_rows

__all__ = ["ChannelInvalid", "announce", "deliver_due", "remind_due", "send_test"]

log = logging.getLogger(__name__)

BATCH = 200
# A claimed notice whose sender died is due again after this (longer than any send may take).
LEASE = timedelta(seconds=120)
TOLD = [Notice.Event.OPENED, Notice.Event.FLAPPING]


def incident_payload(incident: Incident) -> dict:
    """The incident as the webhook body carries it (docs/notifications.md)."""
    return {
        "incident": {
            "id": incident.pk,
            "store": incident.store.code,
            "problem": incident.problem,
            "severity": incident.severity,
            "state": incident.state,
            "title": incident.title,
            "detail": incident.detail,
            "opened_at": incident.opened_at.isoformat(),
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
            "flapping": incident.flapping,
        }
    }


def routed_channels(incident: Incident):
    """Enabled channels whose groups hold the incident's store (none = all) and whose
    minimum severity the incident reaches."""
    rank = SEVERITY_RANK.get(incident.severity, max(SEVERITY_RANK.values()))
    severities = [s for s, r in SEVERITY_RANK.items() if r <= rank]
    in_group = Q(store_groups__isnull=True) | Q(store_groups__stores=incident.store_id)
    channels = Channel.objects.filter(in_group, enabled=True, min_severity__in=severities)
    return Channel.objects.filter(pk__in=channels.values("pk"))


def told_channels(incident: Incident):
    """Enabled channels that were told the incident opened: a resolve goes to them only."""
    told = Notice.objects.filter(incident=incident, event__in=TOLD).values("channel")
    return Channel.objects.filter(pk__in=told, enabled=True)


def announce(incident: Incident, event: str) -> int:
    """Queue `event` (opened, flapping, resolved) of `incident` for its channels; never raises.

    Returns how many notices were queued; an event already queued for a channel is not again.
    """
    try:
        channels = told_channels(incident) if event == Notice.Event.RESOLVED else None
        if channels is None:
            channels = routed_channels(incident)
        return enqueue(incident, event, f"{incident.pk}:{event}", list(channels))
    except Exception:
        log.exception("announce failed incident=%s event=%s", getattr(incident, "pk", "?"), event)
        return 0


def enqueue(
    incident: Incident, event: str, key: str, channels: list[Channel], now: datetime | None = None
) -> int:
    now = now or timezone.now()
    known = set(
        Notice.objects.filter(key=key, channel__in=channels).values_list("channel", flat=True)
    )
    payload = incident_payload(incident)
    fresh = [
        Notice(
            channel=c,
            incident=incident,
            event=event,
            key=key,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for c in channels
        if c.pk not in known
    ]
    # ignore_conflicts: a second sweep racing this one inserts nothing twice (unique key).
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        log.info("notices queued incident=%s event=%s channels=%d", incident.pk, event, len(fresh))
    return len(fresh)


def remind_due(now: datetime | None = None) -> int:
    """A reminder for each open incident and told channel whose last notice is older than
    SMARTCART_NOTIFY_REPEAT_SECONDS. Returns how many were queued; survives a bad row."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFY_REPEAT_SECONDS)
    stale = (
        Notice.objects.filter(incident__state=Incident.State.OPEN, channel__enabled=True)
        .values("incident", "channel")
        .annotate(
            last=Max("created_at"),
            told=Count("id", filter=Q(event__in=TOLD)),
            reminders=Count("id", filter=Q(event=Notice.Event.REMINDER)),
        )
        .filter(last__lte=cutoff, told__gt=0)
    )
    queued = 0
    for row in stale[:BATCH]:
        try:
            queued += remind(row, now)
        except Exception:
            log.exception("reminder failed incident=%s channel=%s", row["incident"], row["channel"])
    return queued


def remind(row: dict, now: datetime) -> int:
    incident = Incident.objects.select_related("store").get(pk=row["incident"])
    channel = Channel.objects.get(pk=row["channel"])
    key = f"{incident.pk}:reminder:{row['reminders'] + 1}"
    return enqueue(incident, Notice.Event.REMINDER, key, [channel], now)


def deliver_due(now: datetime | None = None) -> dict:
    """Send every due pending notice (at most BATCH a call): channels in parallel, each
    channel's notices in the order they happened, each bounded by SMARTCART_NOTIFY_TIMEOUT_SECONDS.

    A channel whose send fails is not tried again for its other notices until its backoff is
    over (they are `deferred`, not failed). Returns {"sent", "retrying", "failed", "deferred"}.
    """
    now = now or timezone.now()
    notices = claim(due_ids(now), now)
    return delivery.deliver(notices)


def due_ids(now: datetime) -> list[int]:
    """Due notices, but none behind an earlier notice of the same channel and incident that is
    waiting (backoff, or claimed by another sender): a receiver hears "opened" before
    "resolved", whatever the retries did. Earlier ones that are due go in the same batch, and
    the channel's worker sends them in order."""
    earlier = Notice.objects.filter(
        channel=OuterRef("channel"),
        incident=OuterRef("incident"),
        state=Notice.State.PENDING,
        next_attempt_at__gt=now,
        pk__lt=OuterRef("pk"),
    )
    due = Notice.objects.filter(
        state=Notice.State.PENDING, next_attempt_at__lte=now, channel__enabled=True
    )
    due = due.exclude(Exists(earlier)).order_by("next_attempt_at", "pk")
    return list(due.values_list("pk", flat=True)[:BATCH])


def claim(ids: list[int], now: datetime) -> list[Notice]:
    """Take the notices with one conditional UPDATE: a second monitor or beat worker running the
    same query claims none of them, so nothing is sent twice."""
    if not ids:
        return []
    token = secrets.token_hex(16)
    Notice.objects.filter(pk__in=ids, state=Notice.State.PENDING, next_attempt_at__lte=now).update(
        claim=token, next_attempt_at=now + LEASE
    )
    return list(Notice.objects.filter(claim=token).select_related("channel"))


def send_test(channel: Channel) -> Notice:
    """Send a test notice now (one attempt, bounded by the timeout) and return it as it ended."""
    now = timezone.now()
    notice = Notice.objects.create(
        channel=channel,
        event=Notice.Event.TEST,
        key=f"test:{secrets.token_hex(8)}",
        payload={"incident": None, "channel": channel.name},
        next_attempt_at=now + LEASE,  # not due for deliver_due: this call sends it
    )
    delivery.deliver([notice])
    notice.refresh_from_db()
    return notice


# The console's verbs (cloud/console) and the API's: one set of rules for both.


def channels():
    """Every channel, with its groups, for a list page."""
    return Channel.objects.prefetch_related("store_groups").order_by("name")


def recent_notices(channel: Channel, limit: int = 20) -> list[Notice]:
    return list(channel.notices.select_related("incident__store")[:limit])


def create_channel(*, created_by: str = "", **fields) -> Channel:
    """A new channel (name, kind, target, secret?, store_groups [names], min_severity, enabled).

    Sends nothing: only send_test and incidents do. Raises ChannelInvalid."""
    groups = fields.pop("store_groups", [])
    channel = Channel(created_by=created_by, **{k: v for k, v in fields.items() if v is not None})
    return save_channel(channel, groups)


def update_channel(channel: Channel, **fields) -> Channel:
    """Change the given fields (store_groups as names); raises ChannelInvalid."""
    groups = fields.pop("store_groups", None)
    was_enabled = channel.enabled
    for name, value in fields.items():
        setattr(channel, name, value)
    channel = save_channel(channel, groups)
    if was_enabled and not channel.enabled:
        # Turned off: what it had not sent yet is dropped, not flushed, stale, when it is
        # turned on again.
        channel.notices.filter(state=Notice.State.PENDING).update(
            state=Notice.State.FAILED, last_error="not sent: the channel was disabled", claim=""
        )
    return channel


def save_channel(channel: Channel, groups: list[str] | None) -> Channel:
    rows = group_rows(groups) if groups is not None else None
    check_channel(channel)
    with transaction.atomic():
        channel.save()
        if rows is not None:
            channel.store_groups.set(rows)
    return channel
