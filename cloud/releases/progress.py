"""What a campaign's figures are: failures, whether a phase is done, and the progress the API
and the console show (per phase, per store, per device)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q

from .models import (
    KIND_OF_HARDWARE,
    Campaign,
    CampaignDevice,
    CampaignStore,
    DeviceFirmware,
    version_order,
)
from .phases import devices_needed
from .services import is_version

FINAL = CampaignDevice.FINAL
FAILED = CampaignDevice.FAILED
# Counted as finished for the failure threshold: a cancelled job neither passed nor failed.
JUDGED = ("succeeded", *FAILED)


def failure_figures(campaign: Campaign) -> dict:
    """Finished and failed updates since the campaign started or was last resumed."""
    counts = CampaignDevice.objects.filter(
        campaign=campaign, state__in=JUDGED, finished_at__gte=campaign.counted_since
    ).aggregate(finished=Count("id"), failed=Count("id", filter=Q(state__in=FAILED)))
    finished, failed = counts["finished"], counts["failed"]
    failed_devices = list(
        CampaignDevice.objects.filter(
            campaign=campaign, state__in=FAILED, finished_at__gte=campaign.counted_since
        ).values_list("device", "store__code", "reason")[:20]
    )
    return {
        "kind": "failures",
        "finished": finished,
        "failed": failed,
        "failure_percent": round(failed * 100 / finished, 1) if finished else 0.0,
        "max_failure_percent": campaign.max_failure_percent,
        "failed_devices": [{"device": d, "store": s, "reason": r} for d, s, r in failed_devices],
    }


def store_rows(campaign: Campaign) -> list[dict]:
    """Per store: its devices by state and what the current phase needs of it."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for store_id, state, n in (
        CampaignDevice.objects.filter(campaign=campaign)
        .values("store_id", "state")
        .annotate(n=Count("id"))
        .values_list("store_id", "state", "n")
    ):
        counts[store_id][state] = n
    members = CampaignStore.objects.filter(campaign=campaign).select_related("store")
    already = already_there(campaign)
    return [store_row(campaign, m, counts[m.store_id], already[m.store_id]) for m in members]


def already_there(campaign: Campaign) -> Counter:
    """Per store, its devices that run the release's version (or newer) without an update in
    this campaign: a store picks no job for them, so they count as done."""
    kind = KIND_OF_HARDWARE[campaign.release.hardware]
    target = version_order(campaign.release.version)
    in_campaign = set(
        CampaignDevice.objects.filter(campaign=campaign).values_list("store_id", "device")
    )
    rows = DeviceFirmware.objects.filter(
        store__campaigns__campaign=campaign, kind=kind
    ).values_list("store_id", "device", "version")
    counts: Counter = Counter()
    for store_id, device, version in rows:
        if (store_id, device) not in in_campaign and is_version(version):
            counts[store_id] += version_order(version) >= target
    return counts


def store_row(campaign: Campaign, member: CampaignStore, states: Counter, already: int) -> dict:
    finished = sum(states[s] for s in FINAL) + already
    active = sum(n for s, n in states.items() if s not in FINAL)
    total = member.carts_total
    needed = None if total is None else devices_needed(campaign.phases, campaign.phase, total)
    return {
        "store": member.store.code,
        "online": member.store.online,
        "window": member.window if member.window is not None else campaign.window,
        "devices_total": total,
        "needed": needed,
        "finished": finished,
        "in_progress": active,
        "succeeded": states["succeeded"],
        "failed": sum(states[s] for s in FAILED),
        "states": dict(states),
        "already_on_version": already,
        "percent": percent(finished, needed),
        "phase_done": needed is not None and finished >= needed and not active,
        "reported_at": member.reported_at,
    }


def percent(done: int, of: int | None) -> int | None:
    if of is None:
        return None
    return 100 if of == 0 else min(100, round(done * 100 / of))


def phase_done(campaign: Campaign) -> bool:
    """Every online store of the campaign has finished what the current phase needs of it
    (and has no update still going); at least one store is online."""
    online = [row for row in store_rows(campaign) if row["online"]]
    return bool(online) and all(row["phase_done"] for row in online)


def phase_rows(campaign: Campaign, stores: list[dict]) -> list[dict]:
    """Per phase: the devices it needs in all (over the stores that reported their count),
    and how many of them have finished."""
    counted = [row for row in stores if row["devices_total"] is not None]
    rows = []
    for n, target in enumerate(campaign.phases, start=1):
        needs = [devices_needed(campaign.phases, n, row["devices_total"]) for row in counted]
        finished = sum(min(row["finished"], need) for row, need in zip(counted, needs, strict=True))
        rows.append(
            {
                "phase": n,
                "target": target,
                "needed": sum(needs),
                "finished": finished,
                "percent": percent(finished, sum(needs)),
                "current": n == campaign.phase,
            }
        )
    return rows


def device_rows(campaign: Campaign) -> list[dict]:
    fields = (
        "store__code",
        "device",
        "kind",
        "phase",
        "state",
        "percent",
        "waiting_reason",
        "reason",
        "detail",
        "from_version",
        "to_version",
        "requested_by",
        "updated_at",
    )
    rows = CampaignDevice.objects.filter(campaign=campaign).order_by("store__code", "device")
    return [
        {("store" if k == "store__code" else k): v for k, v in row.items()}
        for row in rows.values(*fields)
    ]


def campaign_progress(campaign: Campaign) -> dict:
    """Everything the campaign detail shows: per phase, per store, per device."""
    stores = store_rows(campaign)
    states = Counter()
    for row in stores:
        states.update(row["states"])
    return {
        "totals": {
            "devices": sum(states.values()),
            "states": dict(states),
            "already_on_version": sum(row["already_on_version"] for row in stores),
            "failures": failure_figures(campaign),
        },
        "phases_progress": phase_rows(campaign, stores),
        "stores_progress": stores,
        "devices": device_rows(campaign),
    }
