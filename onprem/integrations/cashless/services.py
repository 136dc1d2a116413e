"""Verbs of the cashless connector: recording jobs and events, the event callback."""

from __future__ import annotations

import hmac
import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from onprem.integrations.cashless.models import CashlessEvent, CashlessJob
from smartcart.cashless_api.models import Event, JobStatus

log = logging.getLogger(__name__)
FINAL_STATUSES = ("Success", "Cancelled")


MIN_SECRET_LENGTH = 16
RECEIVER_OFF = (
    "The cashless event receiver is off: set SMARTCART_CASHLESS_EVENT_SECRET "
    f"(at least {MIN_SECRET_LENGTH} random characters) on the store server, then run "
    "`manage.py listen_cashless`."
)


class ReceiverOffError(ValueError):
    """No usable event secret is configured, so no terminal event is accepted."""


def event_secret() -> str:
    """The configured secret of the callback path; ReceiverOffError when there is none.

    Never derived from SECRET_KEY: with the built-in development key anyone could compute it
    and push events.
    """
    secret = settings.CASHLESS_EVENT_SECRET or ""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ReceiverOffError(RECEIVER_OFF)
    return secret


def secret_matches(candidate: str) -> bool:
    """Constant-time check of a callback path's secret (ReceiverOffError when none is set)."""
    return hmac.compare_digest(candidate.encode(), event_secret().encode())


def callback_url(base: str | None = None) -> str:
    """Where the terminal POSTs events: the terminal cannot send OAuth tokens, so a secret path."""
    base = (base or settings.CASHLESS_CALLBACK_BASE or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("cashless-events", kwargs={"secret": event_secret()})


def record_job_started(
    *, job_id: str, kind: str, request: dict, amount: Decimal | None = None
) -> CashlessJob:
    with transaction.atomic():
        job = CashlessJob.objects.create(job_id=job_id, kind=kind, request=request, amount=amount)
    log.info("cashless job started job=%s kind=%s amount=%s", job_id, kind, amount)
    return job


def record_job_status(*, job_id: str, status: JobStatus, via: str = "") -> None:
    """Keep the newest known state of a job; `via` names how a final state was learned."""
    tag = status.result
    with transaction.atomic():
        CashlessJob.objects.filter(job_id=job_id).update(
            status=status.status,
            status_details=status.status_details or "",
            result=tag.to_wire() if tag else None,
            tag_nr=tag.tag_nr if tag else "",
            finished_via=via if status.is_final else "",
        )
    if status.is_final:
        log.info("cashless job finished job=%s status=%s via=%s", job_id, status.status, via)


def record_event(*, payload: dict) -> CashlessEvent:
    """Store an event the terminal pushed; a body that is not an event raises ValueError."""
    if not isinstance(payload, dict) or payload.get("type") not in ("JobUpdate", "NewTag"):
        raise ValueError('an event has "type" JobUpdate or NewTag')
    event = Event.from_wire(payload)
    update, tag = event.job_update, event.new_tag
    if event.type == "JobUpdate" and (update is None or not update.job_id):
        raise ValueError("a JobUpdate event carries jobUpdate with a jobId")
    if update is not None:
        uuid.UUID(str(update.job_id))  # ValueError names a bad one
    with transaction.atomic():
        return CashlessEvent.objects.create(
            type=event.type,
            payload=payload,
            job_id=update.job_id if update else None,
            status=update.status if update else "",
            tag_nr=tag.tag_nr if tag else "",
        )


def latest_pushed_final(job_id: str) -> tuple[int, JobStatus] | None:
    """The newest pushed JobUpdate saying this job is final, with its event id; None if none.

    Only a hint: anyone who learns the callback URL can push one, so the purchase asks the
    terminal before believing it.
    """
    event = (
        CashlessEvent.objects.filter(job_id=job_id, type="JobUpdate", status__in=FINAL_STATUSES)
        .order_by("-id")
        .first()
    )
    return (event.id, Event.from_wire(event.payload).job_update) if event else None
