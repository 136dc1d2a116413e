"""Sending claimed notices: one worker per channel, outcomes written back to notice and channel.

Workers run the transports only (no database); the calling thread records what happened, so a
thread that overruns its time limit can never write a stale outcome.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Channel, Notice
from .transports import TransportError, transport

log = logging.getLogger(__name__)

# After attempt n fails, wait BACKOFF[n-1]; past the last, the notice is failed for good.
BACKOFF = [timedelta(seconds=s) for s in (10, 30, 120, 600, 1800)]
WORKERS = 8


class Deferred:
    """Not attempted: an earlier notice of the same channel just failed (wait with it), or the
    batch's time ran out (`behind` None: due again at the next sweep)."""

    def __init__(self, behind: Notice | None):
        self.behind = behind


def deliver(notices: list[Notice]) -> dict:
    counts = {"sent": 0, "retrying": 0, "failed": 0, "deferred": 0}
    outcomes = send_all(notices)
    retry_at: dict[int, datetime] = {}
    for notice in notices:
        outcome = outcomes[notice.pk]
        if not isinstance(outcome, Deferred):
            key, retry_at[notice.pk] = record(notice, outcome, timezone.now())
            counts[key] += 1
    for notice in notices:
        outcome = outcomes[notice.pk]
        if isinstance(outcome, Deferred):
            behind = outcome.behind
            defer(notice, retry_at[behind.pk] if behind else timezone.now())
            counts["deferred"] += 1
    return counts


def send_all(notices: list[Notice]) -> dict[int, TransportError | Deferred | None]:
    """Outcome per notice id: None (sent), a TransportError, or Deferred. A worker still busy
    after the time limit counts as a timeout for what it had not finished."""
    by_channel: dict[int, list[Notice]] = defaultdict(list)
    for notice in sorted(notices, key=lambda n: (n.created_at, n.pk)):
        by_channel[notice.channel_id].append(notice)
    outcomes: dict[int, TransportError | Deferred | None] = {}
    if by_channel:
        pool = ThreadPoolExecutor(max_workers=min(WORKERS, len(by_channel)))
        timeout = settings.NOTIFY_TIMEOUT_SECONDS
        # No send starts after `last_start`, so every started one ends before `limit`.
        last_start = time.monotonic() + timeout
        limit = 2 * timeout + 2
        futures = [
            pool.submit(send_channel, batch, outcomes, last_start) for batch in by_channel.values()
        ]
        wait(futures, timeout=limit)
        pool.shutdown(wait=False, cancel_futures=True)
        late = TransportError(f"not sent within {limit} s")
        return {n.pk: outcomes.get(n.pk, late) for n in notices}
    return outcomes


def send_channel(batch: list[Notice], outcomes: dict, last_start: float) -> None:
    """One channel's notices in order; after a failure worth retrying the rest wait, and what
    a slow receiver leaves when the batch's time is up goes at the next sweep."""
    for n, notice in enumerate(batch):
        if time.monotonic() > last_start:
            for later in batch[n:]:
                outcomes[later.pk] = Deferred(None)
            return
        outcomes[notice.pk] = error = send_one(notice)
        if error is not None and not error.permanent:
            for later in batch[n + 1 :]:
                outcomes[later.pk] = Deferred(notice)
            return


def send_one(notice: Notice) -> TransportError | None:
    try:
        transport(notice.channel).notify(notice)
    except TransportError as exc:
        return exc
    except Exception as exc:  # a bug in one transport must not take the batch down
        log.exception("transport crashed notice=%s", notice.pk)
        return TransportError(f"internal error: {type(exc).__name__}: {exc}")
    return None


def record(notice: Notice, error: TransportError | None, now: datetime) -> tuple[str, datetime]:
    """Write one attempt's outcome to the notice and its channel: (count key, next attempt)."""
    attempts = notice.attempts + 1
    with transaction.atomic():
        if error is None:
            Notice.objects.filter(pk=notice.pk).update(
                state=Notice.State.SENT, attempts=attempts, sent_at=now, last_error="", claim=""
            )
            Channel.objects.filter(pk=notice.channel_id).update(
                status=Channel.Status.OK, last_sent_at=now, last_error="", failing_since=None
            )
            return "sent", now
        final = error.permanent or notice.event == Notice.Event.TEST or attempts > len(BACKOFF)
        retry_at = now if final else now + BACKOFF[attempts - 1]
        Notice.objects.filter(pk=notice.pk).update(
            state=Notice.State.FAILED if final else Notice.State.PENDING,
            attempts=attempts,
            last_error=error.message[:1000],
            next_attempt_at=retry_at,
            claim="",
        )
        mark_failing(notice.channel_id, error.message, now)
    log.warning(
        "notice not sent notice=%s channel=%s attempt=%d final=%s error=%s",
        notice.pk,
        notice.channel.name,
        attempts,
        final,
        error.message,
    )
    return ("failed" if final else "retrying"), retry_at


def defer(notice: Notice, retry_at: datetime) -> None:
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=retry_at, claim="")


def mark_failing(channel_id: int, message: str, now: datetime) -> None:
    Channel.objects.filter(pk=channel_id).update(status=Channel.Status.FAILING, last_error=message)
    Channel.objects.filter(pk=channel_id, failing_since__isnull=True).update(failing_since=now)
