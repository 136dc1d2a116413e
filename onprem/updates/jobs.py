"""Update jobs: create them (a forced update, a campaign's pick), send them through the gates,
follow their ota.install commands, and fail the ones that stall.

The worker (management command `updates`) calls dispatch(), follow_commands() and
time_out_stalled() about once a second; ingest applies the devices' `ota` events (events.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from onprem.commands import services as commands
from onprem.commands.models import Command

from . import gates
from .choices import ACTIVE_STATES, ArtifactState, JobState
from .choices import WaitingReason as Why
from .machine import move, touch
from .models import JobTransition, Release, UpdateJob

log = logging.getLogger(__name__)
INSTALL_COMMAND = "ota.install"
# How long ota.install may wait for an offline device before the job goes back to its gates.
INSTALL_TTL_S = 600
# A device that reported nothing for this long after the install was sent has stalled: the agent
# reports download progress every few seconds and gives up a download after 5 minutes itself.
STALL_AFTER = timedelta(minutes=15)
WORKER = "worker"


class JobConflict(ValueError):
    """The device has an unfinished update job already."""


def create_job(
    *,
    kind: str,
    device_id: str,
    release: Release,
    requested_by: str,
    why: str,
    override_window: bool = False,
    campaign=None,
    from_version: str = "",
) -> UpdateJob:
    """A waiting job, its creation recorded as the first transition; JobConflict when the
    device has an open job (the database refuses a second one, whoever races)."""
    try:
        with transaction.atomic():
            job = UpdateJob.objects.create(
                kind=kind,
                device_id=device_id,
                release=release,
                campaign=campaign,
                phase=campaign.phase if campaign else None,
                requested_by=requested_by[:200],
                override_window=override_window,
                from_version=from_version,
                open_key=f"{kind}:{device_id}",
            )
            JobTransition.objects.create(
                job=job, to_state=JobState.WAITING, reason=why, by=requested_by
            )
    except IntegrityError:
        raise JobConflict(f"{kind} {device_id} already has an unfinished update job") from None
    log.info(
        "update job %s created %s %s -> %s by=%s",
        job.pk,
        kind,
        device_id,
        release.version,
        requested_by,
    )
    return job


def artifact_url(release: Release) -> str:
    return f"{settings.ONPREM_URL}/api/v1/updates/artifacts/{release.sha256}/"


def dispatch(*, now: datetime | None = None) -> int:
    """Send every waiting job whose gates pass, within the concurrency limit; the others say
    why they wait. Returns how many were sent. One bad job is logged and skipped."""
    now = now or timezone.now()
    fail_refused_releases()
    waiting = list(
        UpdateJob.objects.filter(state=JobState.WAITING)
        .select_related("release", "campaign")
        .order_by("created_at")
    )
    if not waiting:
        return 0
    devices = {
        kind: gates.devices_now(kind, [j.device_id for j in waiting if j.kind == kind])
        for kind in {j.kind for j in waiting}
    }
    room = settings.OTA_CONCURRENCY - UpdateJob.objects.filter(state__in=ACTIVE_STATES).count()
    sent = 0
    for job in waiting:
        try:
            device = devices[job.kind].get(job.device_id)
            if device and gates.runs_at_least(device.firmware, job.release.version):
                already_there(job, device)
                continue
            found = gates.hold(job, device, now=now)
            if found is None and room <= 0:
                found = (
                    Why.CONCURRENCY,
                    f"{settings.OTA_CONCURRENCY} devices are installing already",
                )
            if found:
                say_why(job, found)
            elif send_install(job, device):
                room, sent = room - 1, sent + 1
        except Exception:  # noqa: BLE001 - one job must not stop the others
            log.exception("update job %s could not be dispatched", job.pk)
    return sent


def already_there(job: UpdateJob, device: gates.DeviceNow) -> None:
    why = f"the {job.kind} reports {device.firmware} already: nothing to install"
    move(job, JobState.SUCCEEDED, why=why, by=WORKER, percent=100, waiting_reason="")


def say_why(job: UpdateJob, found: gates.Hold) -> None:
    text = gates.as_text(found)
    if job.waiting_reason != text:
        touch(job, waiting_reason=text)


def send_install(job: UpdateJob, device: gates.DeviceNow) -> bool:
    """Move the job to `sent`, then queue ota.install (ingest publishes it). A command the
    store refuses to queue fails the job with the reason."""
    why = "every gate passed: ota.install sent"
    if not move(
        job, JobState.SENT, why=why, by=WORKER, waiting_reason="", from_version=device.firmware
    ):
        return False
    args = {"job": job.pk, "manifest": job.release.manifest, "url": artifact_url(job.release)}
    try:
        command = commands.request_command(
            kind=job.kind,
            device_id=job.device_id,
            command=INSTALL_COMMAND,
            args=args,
            internal=True,
            requested_by=job.requested_by,
            ttl_s=INSTALL_TTL_S,
        )
    except commands.CommandError as exc:
        move(
            job,
            JobState.FAILED,
            why=f"the store could not send ota.install: {exc}",
            by=WORKER,
            reason="install_failed",
            detail=str(exc),
        )
        return False
    touch(job, command_id=command.pk)
    return True


def fail_refused_releases() -> int:
    """Waiting jobs of a release whose image the store refused can never install, nor those
    of a release that expired while they waited."""
    failed = 0
    for job in UpdateJob.objects.filter(
        state=JobState.WAITING, release__artifact_state=ArtifactState.REFUSED
    ).select_related("release"):
        code = job.release.refused_reason.split(":", 1)[0] or "refused"
        failed += move(
            job,
            JobState.FAILED,
            why=f"the store refused the release: {job.release.refused_reason}",
            by=WORKER,
            reason=code,
            detail=job.release.refused_reason,
        )
    return failed + fail_expired_releases()


def fail_expired_releases() -> int:
    """Waiting jobs of a release past its expiry: every device would refuse it (expired)."""
    failed = 0
    now = timezone.now()
    for job in UpdateJob.objects.filter(
        state=JobState.WAITING, release__expires__lte=now
    ).select_related("release"):
        detail = (
            f"the release expired at {job.release.manifest.get('expires', job.release.expires)}"
        )
        failed += move(job, JobState.FAILED, why=detail, by=WORKER, reason="expired", detail=detail)
    return failed


def follow_commands() -> int:
    """Jobs whose ota.install ended without the device taking it: expired (offline) or
    answered busy go back to the gates; any other refusal fails the job with its reason."""
    moved = 0
    sent = UpdateJob.objects.filter(state=JobState.SENT).exclude(command_id="")
    ended = {
        c.pk: c
        for c in Command.objects.filter(
            pk__in=sent.values("command_id"), state__in=("expired", "failed", "rejected")
        )
    }
    for job in sent.filter(command_id__in=list(ended)):
        try:
            moved += command_ended(job, ended[job.command_id])
        except Exception:  # noqa: BLE001 - one job must not stop the others
            log.exception("update job %s: its command's end could not be applied", job.pk)
    return moved


def command_ended(job: UpdateJob, command: Command) -> bool:
    error = str(command.result.get("error", "")) if isinstance(command.result, dict) else ""
    code = error.split(":", 1)[0].strip()
    if command.state == "expired" or code == "busy":
        why = error or "the device did not take ota.install in time"
        return move(job, JobState.WAITING, why=why, by=WORKER, command_id="")
    return move(
        job,
        JobState.FAILED,
        why=f"the device refused ota.install: {error}",
        by=WORKER,
        reason=code or "install_failed",
        detail=error,
    )


def time_out_stalled(*, now: datetime | None = None, after: timedelta = STALL_AFTER) -> int:
    """Fail sent/installing jobs the device has said nothing about for `after`."""
    now = now or timezone.now()
    failed = 0
    for job in UpdateJob.objects.filter(state__in=ACTIVE_STATES, updated_at__lt=now - after):
        minutes = after.total_seconds() / 60
        detail = f"no progress from the {job.kind} for {minutes:.0f} minutes (last: {job.state})"
        failed += move(job, JobState.FAILED, why=detail, by=WORKER, reason="stalled", detail=detail)
    return failed


def cancel_waiting(jobs, *, why: str, by: str) -> int:
    """Cancel the waiting ones among `jobs` (a campaign aborted); the others go on."""
    return sum(
        move(job, JobState.CANCELLED, why=why, by=by) for job in jobs.filter(state=JobState.WAITING)
    )
