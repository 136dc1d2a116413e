"""The store's `ota_report` frames to the cloud (docs/ota.md, "Reports"): jobs that changed,
campaign behaviour figures that changed, and device firmware that changed (all of it on the
first report of a connection). The cloud acks each frame by its id; what an ack covers is
then marked reported, and anything unacked goes again in a later frame.

The uplink (onprem/uplink/client.py) calls next_frame() every few seconds and acked() for
every ack it hears; both run in a worker thread with database access.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from onprem.fleet.models import Cart, CartState, Rack
from smartcart import tunnel_frames as frames

from .behaviour import campaign_behaviour
from .choices import CampaignState, JobState
from .models import Campaign, UpdateJob

log = logging.getLogger(__name__)
MAX_JOBS = 200
MAX_FIRMWARE = 500
RESEND_S = 10.0  # an unacked frame's contents go again after this long
FIGURES_EVERY_S = 30.0
FIGURES_STATES = (CampaignState.RUNNING, CampaignState.WAITING_APPROVAL, CampaignState.PAUSED)


@dataclass
class Sent:
    at: float
    jobs: dict[str, int] = field(default_factory=dict)  # job id -> revision sent
    firmware: dict[tuple[str, str], str] = field(default_factory=dict)
    figures: dict[int, dict] = field(default_factory=dict)


class OtaReporter:
    interval = 2.0

    def __init__(self) -> None:
        self.in_flight: dict[str, Sent] = {}
        self.firmware_acked: dict[tuple[str, str], str] = {}
        self.figures_acked: dict[int, dict] = {}
        self.figures: dict[int, dict] = {}
        self.figures_at = float("-inf")

    def new_connection(self) -> None:
        """A new tunnel: the cloud hears every device's firmware again, and nothing in flight
        on the old connection will be acked."""
        self.in_flight.clear()
        self.firmware_acked.clear()

    def next_frame(self) -> frames.Frame | None:
        """The next report, or None when nothing changed that is not already on its way."""
        now = time.monotonic()
        self.in_flight = {k: s for k, s in self.in_flight.items() if now - s.at < RESEND_S}
        sent = Sent(
            at=now,
            jobs=self.changed_jobs(),
            firmware=self.changed_firmware(),
            figures=self.changed_figures(now),
        )
        if not (sent.jobs or sent.firmware or sent.figures):
            return None
        body = {
            "jobs": [job_row(job) for job in jobs_by_id(sent.jobs)],
            "campaigns": list(sent.figures.values()),
            "firmware": [
                {"device": d, "kind": k, "version": v[:24]} for (k, d), v in sent.firmware.items()
            ],
        }
        frame = frames.Frame(frames.OTA_REPORT, frames.new_id(), body, frames.now_iso())
        self.in_flight[frame.id] = sent
        return frame

    def acked(self, frame_id: str) -> bool:
        """Mark what frame `frame_id` carried as reported; False for ids it did not send."""
        sent = self.in_flight.pop(frame_id, None)
        if sent is None:
            return False
        for job_id, revision in sent.jobs.items():
            UpdateJob.objects.filter(pk=job_id, reported_revision__lt=revision).update(
                reported_revision=revision
            )
        self.firmware_acked.update(sent.firmware)
        self.figures_acked.update(sent.figures)
        return True

    def pending(self) -> set[str]:
        return {job for sent in self.in_flight.values() for job in sent.jobs}

    def changed_jobs(self) -> dict[str, int]:
        changed = (
            UpdateJob.objects.filter(revision__gt=F("reported_revision"))
            .exclude(pk__in=self.pending())
            .order_by("updated_at")
            .values_list("pk", "revision")[:MAX_JOBS]
        )
        return dict(changed)

    def changed_firmware(self) -> dict[tuple[str, str], str]:
        waiting = {key for sent in self.in_flight.values() for key in sent.firmware}
        now = current_firmware()
        changed = {
            k: v
            for k, v in now.items()
            if v and self.firmware_acked.get(k) != v and k not in waiting
        }
        return dict(list(changed.items())[:MAX_FIRMWARE])

    def changed_figures(self, now: float) -> dict[int, dict]:
        if now - self.figures_at >= FIGURES_EVERY_S:
            self.figures_at = now
            self.figures = {}
            for campaign in observed_campaigns():
                self.figures[campaign.cloud_campaign] = campaign_behaviour(
                    campaign, now=timezone.now()
                )
        waiting = {key for sent in self.in_flight.values() for key in sent.figures}
        return {
            k: v
            for k, v in self.figures.items()
            if self.figures_acked.get(k) != v and k not in waiting
        }


def observed_campaigns() -> list[Campaign]:
    """Campaigns whose behaviour the cloud still judges: going on, or finished less than
    observe_hours after their last cart succeeded (the last phase ends before its watch does)."""
    found = list(Campaign.objects.filter(state__in=FIGURES_STATES).select_related("release"))
    for campaign in Campaign.objects.filter(state=CampaignState.FINISHED).select_related("release"):
        since = timezone.now() - timedelta(hours=campaign.observe_hours)
        if campaign.jobs.filter(state=JobState.SUCCEEDED, finished_at__gte=since).exists():
            found.append(campaign)
    return found


def current_firmware() -> dict[tuple[str, str], str]:
    """(kind, device) -> version running, as each device last said (a cart's telemetry first)."""
    carts = dict(Cart.objects.values_list("device_id", "firmware"))
    carts |= {d: v for d, v in CartState.objects.values_list("cart__device_id", "firmware") if v}
    racks = dict(Rack.objects.values_list("device_id", "firmware"))
    return {("cart", d): v for d, v in carts.items()} | {("rack", d): v for d, v in racks.items()}


def jobs_by_id(ids: dict[str, int]) -> list[UpdateJob]:
    return list(
        UpdateJob.objects.filter(pk__in=list(ids))
        .select_related("release", "campaign")
        .order_by("updated_at")
    )


def job_row(job: UpdateJob) -> dict:
    release = job.release
    return {
        "job": job.pk,
        "campaign": job.campaign.cloud_campaign if job.campaign_id else None,
        "release": release.cloud_release,
        "device": job.device_id,
        "kind": job.kind,
        "phase": job.phase,
        "state": job.state,
        "percent": job.percent,
        "waiting_reason": job.waiting_reason[:300],
        "reason": job.reason[:64],
        "detail": job.detail[:500],
        "from_version": job.from_version[:24],
        "to_version": release.version,
        "requested_by": job.requested_by[:160],
        "updated_at": job.updated_at.isoformat().replace("+00:00", "Z"),
    }


class UplinkOtaReport:
    """OtaReporter as the uplink's Report (onprem/uplink/client.py): its database work runs in
    a worker thread, and an ack for a frame it never sent (a heartbeat's) costs no query."""

    def __init__(self, reporter: OtaReporter | None = None) -> None:
        from channels.db import database_sync_to_async

        self.reporter = reporter or OtaReporter()
        self.interval = self.reporter.interval
        self._next = database_sync_to_async(self.reporter.next_frame)
        self._acked = database_sync_to_async(self.reporter.acked)

    def new_connection(self) -> None:
        self.reporter.new_connection()

    async def next_frame(self) -> frames.Frame | None:
        return await self._next()

    async def acked(self, frame_id: str) -> None:
        if frame_id in self.reporter.in_flight:
            await self._acked(frame_id)
