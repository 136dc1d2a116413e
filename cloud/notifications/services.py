"""Notification verbs: announce an incident event, deliver the outbox, remind, test a channel.

announce() only writes Notice rows (cheap, inside the incident sweep); deliver_due() sends
them from the monitor or Celery beat, several at once, each bounded by a short timeout, so a
channel that is down is retried with backoff while every other channel is served.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from cloud.incidents.models import SEVERITY_RANK, Incident

from .models import Channel, Notice
from .transports import TransportError, transport
from .validation import ChannelInvalid, check_channel, group_rows

__all__ = ["ChannelInvalid", "announce", "deliver_due", "remind_due", "send_test"]

log = logging.getLogger(__name__)

# After attempt n fails, wait BACKOFF[n-1]; past the last, the notice is failed for good.
BACKOFF = [timedelta(seconds=s) for s in (10, 30, 120, 600, 1800)]
BATCH = 200
WORKERS = 8
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
    """Send every due pending notice (at most BATCH a call), concurrently, each bounded by
    SMARTCART_NOTIFY_TIMEOUT_SECONDS. Returns {"sent", "retrying", "failed"} counts."""
    now = now or timezone.now()
    due = Notice.objects.filter(state=Notice.State.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH])
    notices = claim(ids, now)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for notice, error in send_all(notices):
        counts[record(notice, error, timezone.now())] += 1
    return counts


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


def send_all(notices: list[Notice]) -> list[tuple[Notice, TransportError | None]]:
    """Each notice in its own worker; one that overruns its timeout counts as a timeout."""
    if not notices:
        return []
    limit = settings.NOTIFY_TIMEOUT_SECONDS + 2
    pool = ThreadPoolExecutor(max_workers=min(WORKERS, len(notices)))
    futures = {pool.submit(send_one, n): n for n in notices}
    wait(futures, timeout=limit)
    pool.shutdown(wait=False, cancel_futures=True)
    results = []
    for future, notice in futures.items():
        if future.done() and not future.cancelled():
            results.append((notice, future.result()))
        else:
            results.append((notice, TransportError(f"not sent within {limit} s")))
    return results


def send_one(notice: Notice) -> TransportError | None:
    try:
        transport(notice.channel).notify(notice)
    except TransportError as exc:
        return exc
    except Exception as exc:  # a bug in one transport must not take the batch down
        log.exception("transport crashed notice=%s", notice.pk)
        return TransportError(f"internal error: {type(exc).__name__}: {exc}")
    return None


def record(notice: Notice, error: TransportError | None, now: datetime) -> str:
    """Write the outcome of one attempt to the notice and its channel; returns the count key."""
    attempts = notice.attempts + 1
    with transaction.atomic():
        if error is None:
            Notice.objects.filter(pk=notice.pk).update(
                state=Notice.State.SENT, attempts=attempts, sent_at=now, last_error="", claim=""
            )
            Channel.objects.filter(pk=notice.channel_id).update(
                status=Channel.Status.OK, last_sent_at=now, last_error="", failing_since=None
            )
            return "sent"
        final = error.permanent or notice.event == Notice.Event.TEST or attempts > len(BACKOFF)
        Notice.objects.filter(pk=notice.pk).update(
            state=Notice.State.FAILED if final else Notice.State.PENDING,
            attempts=attempts,
            last_error=error.message[:1000],
            next_attempt_at=now if final else now + BACKOFF[attempts - 1],
            claim="",
        )
        mark_failing(notice.channel, error.message, now)
    log.warning(
        "notice not sent notice=%s channel=%s attempt=%d final=%s error=%s",
        notice.pk,
        notice.channel.name,
        attempts,
        final,
        error.message,
    )
    return "failed" if final else "retrying"


def mark_failing(channel: Channel, message: str, now: datetime) -> None:
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.FAILING, last_error=message)
    Channel.objects.filter(pk=channel.pk, failing_since__isnull=True).update(failing_since=now)


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
    [(sent, error)] = send_all([notice])
    record(sent, error, timezone.now())
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
    for name, value in fields.items():
        setattr(channel, name, value)
    return save_channel(channel, groups)


def save_channel(channel: Channel, groups: list[str] | None) -> Channel:
    rows = group_rows(groups) if groups is not None else None
    check_channel(channel)
    with transaction.atomic():
        channel.save()
        if rows is not None:
            channel.store_groups.set(rows)
    return channel
