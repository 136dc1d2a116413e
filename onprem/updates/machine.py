"""The update job's state machine: the one place a job's state changes.

Every move is checked against choices.TRANSITIONS, made with a conditional UPDATE (the job
must still be in the state the caller saw, so the worker and ingest never both move it) and
recorded as a JobTransition with its reason and who made it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .choices import FINAL_STATES, TRANSITIONS
from .models import JobTransition, UpdateJob

log = logging.getLogger(__name__)


class IllegalTransition(ValueError):
    """A move the state machine does not allow (e.g. succeeded -> downloading)."""


def check_move(from_state: str, to_state: str) -> None:
    if to_state not in TRANSITIONS.get(from_state, ()):
        raise IllegalTransition(f"an update job cannot go from {from_state} to {to_state}")


def move(job: UpdateJob, to_state: str, *, why: str, by: str, **fields) -> bool:
    """Move `job` to `to_state` with `fields`, recording `why` and `by`; False if another process moved it first (the
    job is then left as that process made it). IllegalTransition if the table forbids it."""
    check_move(job.state, to_state)
    now = timezone.now()
    changes = {"state": to_state, "updated_at": now, "revision": F("revision") + 1, **fields}
    if to_state in FINAL_STATES:
        changes |= {"finished_at": now, "open_key": None, "waiting_reason": ""}
    with transaction.atomic():
        moved = UpdateJob.objects.filter(pk=job.pk, state=job.state).update(**changes)
        if moved:
            JobTransition.objects.create(
                job_id=job.pk, from_state=job.state, to_state=to_state, reason=why, by=by
            )
    if moved:
        log.info("update job %s %s -> %s by=%s: %s", job.pk, job.state, to_state, by, why)
        job.refresh_from_db()
    return bool(moved)


def touch(job: UpdateJob, **fields) -> bool:
    """Change a job's fields without a state change (download percent, why it waits); counted
    as a change the cloud must hear. False if the job's state changed meanwhile."""
    moved = UpdateJob.objects.filter(pk=job.pk, state=job.state).update(
        updated_at=timezone.now(), revision=F("revision") + 1, **fields
    )
    if moved:
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(moved)
