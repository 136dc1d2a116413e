"""A device's `ota` events move its job (docs/ota.md, "Events"): applied by ingest after each
batch it commits (receivers.py). A device may speak only of its own jobs, and a late or
repeated event never moves a job backwards (the state machine refuses it; it is logged)."""

from __future__ import annotations

import logging

from onprem.fleet.models import DeviceEvent

from .choices import FINAL_STATES, JobState
from .machine import IllegalTransition, move, touch
from .models import UpdateJob

log = logging.getLogger(__name__)
REPORTED = {
    JobState.DOWNLOADING,
    JobState.INSTALLING,
    JobState.REBOOTING,
    JobState.VERIFYING,
    JobState.SUCCEEDED,
    JobState.FAILED,
    JobState.ROLLED_BACK,
}


def apply_ota_events(events: list[DeviceEvent]) -> int:
    """Apply the batch's `ota` events in the order the devices took them; how many moved a job."""
    ota = sorted((e for e in events if e.event == "ota"), key=lambda e: (e.ts, e.seq))
    if not ota:
        return 0
    ids = {str(e.data.get("job", "")) for e in ota}
    found = {job.pk: job for job in UpdateJob.objects.filter(pk__in=ids)}
    moved = 0
    for event in ota:
        try:
            moved += apply_one(found.get(str(event.data.get("job", ""))), event)
        except Exception:  # noqa: BLE001 - one bad event must not cost the others
            log.exception("ota event of %s could not be applied: %s", event.device_id, event.data)
    return moved


def apply_one(job: UpdateJob | None, event: DeviceEvent) -> bool:
    data, who = event.data, f"{event.kind}:{event.device_id}"
    if job is None or (job.kind, job.device_id) != (event.kind, event.device_id):
        log.info("ota event from %s about job %r it does not have: ignored", who, data.get("job"))
        return False
    state = data.get("state")
    if state not in REPORTED:
        log.info("ota event from %s with state %r: ignored", who, state)
        return False
    percent = data.get("percent") if isinstance(data.get("percent"), int) else None
    if state == job.state:
        return (
            percent is not None
            and percent != job.percent
            and touch(job, percent=max(0, min(100, percent)))
        )
    if job.state in FINAL_STATES:
        log.info("ota event %s for job %s that already ended %s: ignored", state, job.pk, job.state)
        return False
    fields = {"percent": percent}
    if state in (JobState.FAILED, JobState.ROLLED_BACK):
        fields |= {
            "reason": str(data.get("reason", ""))[:64],
            "detail": str(data.get("detail", ""))[:1000],
        }
    if state == JobState.SUCCEEDED:
        fields["percent"] = 100
    why = f"the {event.kind} reported {state}" + (
        f": {data.get('detail')}" if data.get("detail") else ""
    )
    try:
        return move(job, state, why=why, by=who, **fields)
    except IllegalTransition as exc:
        log.info("ota event from %s refused: %s", who, exc)
        return False
