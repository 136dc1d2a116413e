"""Campaigns as the cloud sends them (ota.campaign): the newest revision wins, and the store
picks its devices up to the campaign's cumulative target.

The cloud decides phases and thresholds across stores; a store decides which of its own carts
go: the ones that could install now first (docked, charging, charged, idle), so a phase is not
held up by a cart out on the floor while an idle one waits in a rack.
"""

from __future__ import annotations

import logging
import math

from django.db import transaction

from . import gates, jobs
from .choices import HARDWARE_KIND, OPEN_STATES, ArtifactState, CampaignState, JobKind, JobState
from .models import Campaign
from .releases import record_release

log = logging.getLogger(__name__)
PICKING = (CampaignState.RUNNING, CampaignState.WAITING_APPROVAL)


def apply_campaign(args: dict, *, by: str) -> dict:
    """Record one revision of a campaign (args as smartcart.store_commands.ota_campaign_args
    checks them); an older or equal revision changes nothing. Aborted: waiting jobs are
    cancelled (finished ones stay). Running: devices are picked up to the target."""
    release = record_release(**args["release"])
    fields = {
        k: args[k] for k in ("state", "revision", "phase", "target", "window", "observe_hours")
    }
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update().filter(cloud_campaign=args["campaign"]).first()
        )
        if campaign and campaign.revision >= args["revision"]:
            log.info(
                "campaign %s revision %s ignored: %s is newer",
                args["campaign"],
                args["revision"],
                campaign.revision,
            )
            return summary(campaign, ignored=True)
        campaign, _ = Campaign.objects.update_or_create(
            cloud_campaign=args["campaign"], defaults={**fields, "release": release}
        )
    if campaign.state == CampaignState.ABORTED:
        jobs.cancel_waiting(
            campaign.jobs.all(), why=f"campaign {campaign.cloud_campaign} aborted", by=by
        )
    fill_campaign(campaign)
    log.info(
        "campaign %s revision %s state=%s target=%s",
        campaign.cloud_campaign,
        campaign.revision,
        campaign.state,
        campaign.target,
    )
    return summary(campaign, ignored=False)


def summary(campaign: Campaign, *, ignored: bool) -> dict:
    counts = {}
    for state in campaign.jobs.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return {
        "campaign": campaign.cloud_campaign,
        "revision": campaign.revision,
        "state": campaign.state,
        "ignored": ignored,
        "jobs": counts,
    }


def target_count(target: dict, total: int) -> int:
    """How many of the store's `total` devices the target covers, all phases so far."""
    if "carts" in target:
        return min(int(target["carts"]), total)
    return min(total, math.ceil(total * int(target.get("percent", 0)) / 100))


def fill_campaign(campaign: Campaign) -> int:
    """Create jobs for the campaign's devices up to its target; how many were created."""
    release = campaign.release
    if campaign.state not in PICKING or release.artifact_state == ArtifactState.REFUSED:
        return 0
    kind = HARDWARE_KIND.get(release.hardware)
    if kind is None:
        return 0
    devices = gates.devices_now(kind)
    taken = campaign.jobs.exclude(state=JobState.CANCELLED)
    wanted = target_count(campaign.target, len(devices)) - taken.count()
    if wanted <= 0:
        return 0
    created = 0
    for device in candidates(campaign, kind, devices)[:wanted]:
        try:
            jobs.create_job(
                kind=kind,
                device_id=device.device_id,
                release=release,
                campaign=campaign,
                requested_by=f"campaign:{campaign.cloud_campaign}",
                from_version=device.firmware,
                why=f"picked for campaign {campaign.cloud_campaign}, phase {campaign.phase}",
            )
            created += 1
        except jobs.JobConflict:  # a forced update got there first: the next candidate's turn
            continue
    return created


def candidates(
    campaign: Campaign, kind: str, devices: dict[str, gates.DeviceNow]
) -> list[gates.DeviceNow]:
    """Devices not in this campaign yet, without an open job, not on the version already;
    those that could install now first, then by id (a stable, explainable order)."""
    from .models import UpdateJob

    busy = set(UpdateJob.objects.filter(state__in=OPEN_STATES).values_list("device_id", flat=True))
    busy |= set(campaign.jobs.values_list("device_id", flat=True))
    version = campaign.release.version
    free = [
        d
        for d in devices.values()
        if d.device_id not in busy and not gates.runs_at_least(d.firmware, version)
    ]
    return sorted(free, key=lambda d: (not ready_now(kind, d), d.device_id))


def ready_now(kind: str, device: gates.DeviceNow) -> bool:
    if not device.online:
        return False
    return kind == JobKind.RACK or gates.cart_hold(device) is None


def fill_campaigns() -> int:
    """The worker's pass: devices may have appeared or left a job since the last revision."""
    created = 0
    for campaign in Campaign.objects.filter(state__in=PICKING).select_related("release"):
        try:
            created += fill_campaign(campaign)
        except Exception:  # noqa: BLE001 - one campaign's bad row must not hold the others
            log.exception("campaign %s: its devices could not be picked", campaign.cloud_campaign)
    return created
