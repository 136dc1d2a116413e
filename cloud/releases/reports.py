"""A store's `ota_report` (docs/ota.md, "Reports"): checked field by field, then kept.

The body is `{"jobs": [...], "campaigns": [...], "firmware": [...]}`. A body of the wrong shape
is refused whole (the store gets an `error` frame naming the field and fixes nothing by
resending, so it is logged loudly). Fields the cloud does not know are ignored, so a newer
store can add one without its reports being refused. A job of a campaign this store is not
in, or older than what the cloud already has for that device, is skipped and logged: the
rest of the report still counts.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cloud.stores.models import Store

from .behaviour import FIGURES
from .errors import ReportError
from .models import Campaign, CampaignDevice, CampaignStore, DeviceFirmware, Release

log = logging.getLogger(__name__)
JOB_STATES = (
    "waiting",
    "sent",
    "downloading",
    "installing",
    "rebooting",
    "verifying",
    "succeeded",
    "failed",
    "rolled_back",
    "cancelled",
)
KINDS = ("cart", "rack")
MAX_JOBS, MAX_CAMPAIGNS, MAX_FIRMWARE = 200, 100, 5000
MAX_ID = 2**31 - 1


def fail(path: str, wanted: str) -> ReportError:
    return ReportError(f"bad ota_report: {path} must be {wanted}")


def text(path: str, value: object, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise fail(path, f"a text of {'1' if required else '0'}-{limit} characters")
    return value


def clipped(path: str, value: object, limit: int) -> str:
    """A free text (a sentence for people): any length is kept, cut to `limit` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(path, "a text")
    return value[:limit]


def percent(path: str, value: object) -> int | None:
    """0-100; a fraction is rounded (a download at 42.5 % is not a reason to refuse a report)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise fail(path, "a number from 0 to 100 or null")
    return round(value)


def whole(path: str, value: object, high: int, *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise fail(path, f"a whole number from 0 to {high}{' or null' if nullable else ''}")
    return value


def amount(path: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1e9:
        raise fail(path, "a number from 0 to 1e9")
    return float(value)


def moment(path: str, value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise fail(path, "an ISO 8601 time with its zone") from None
    if not isinstance(value, str) or parsed.tzinfo is None:
        raise fail(path, "an ISO 8601 time with its zone")
    return parsed


def one_of(path: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise fail(path, f"one of {', '.join(choices)}")
    return value


def items(body: dict, name: str, most: int) -> list[dict]:
    value = body.get(name, [])
    if not isinstance(value, list) or len(value) > most:
        raise fail(f"body.{name}", f"a list of at most {most} objects")
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise fail(f"body.{name}[{n}]", "an object")
    return value


def clean_job(path: str, job: dict) -> dict:
    return {
        "campaign": whole(f"{path}.campaign", job.get("campaign"), MAX_ID, nullable=True),
        "release": whole(f"{path}.release", job.get("release"), MAX_ID, nullable=True),
        "device": text(f"{path}.device", job.get("device"), 64),
        "kind": one_of(f"{path}.kind", job.get("kind"), KINDS),
        "phase": whole(f"{path}.phase", job.get("phase"), 100, nullable=True),
        "state": one_of(f"{path}.state", job.get("state"), JOB_STATES),
        "percent": percent(f"{path}.percent", job.get("percent")),
        "waiting_reason": clipped(f"{path}.waiting_reason", job.get("waiting_reason"), 300),
        "reason": text(f"{path}.reason", job.get("reason"), 64, required=False),
        "detail": clipped(f"{path}.detail", job.get("detail"), 500),
        "from_version": text(f"{path}.from_version", job.get("from_version"), 24, required=False),
        "to_version": text(f"{path}.to_version", job.get("to_version"), 24),
        "requested_by": clipped(f"{path}.requested_by", job.get("requested_by"), 160),
        "updated_at": moment(f"{path}.updated_at", job.get("updated_at")),
    }


def clean_group(path: str, group: object) -> dict:
    if not isinstance(group, dict):
        raise fail(path, "an object")
    return {name: amount(f"{path}.{name}", group.get(name, 0)) for name in FIGURES}


def clean_campaign(path: str, entry: dict) -> dict:
    figures = entry.get("behaviour") or {}
    if not isinstance(figures, dict):
        raise fail(f"{path}.behaviour", "an object")
    return {
        "campaign": whole(f"{path}.campaign", entry.get("campaign"), MAX_ID),
        "carts_total": whole(f"{path}.carts_total", entry.get("carts_total"), 100_000),
        "behaviour": {
            group: clean_group(f"{path}.behaviour.{group}", figures.get(group) or {})
            for group in ("updated", "control")
        },
    }


def clean_firmware(path: str, entry: dict) -> dict:
    return {
        "device": text(f"{path}.device", entry.get("device"), 64),
        "kind": one_of(f"{path}.kind", entry.get("kind"), KINDS),
        "version": text(f"{path}.version", entry.get("version"), 24),
    }


def clean_report(body: object) -> dict:
    """The report as it may be kept, or ReportError naming the first wrong field."""
    if not isinstance(body, dict):
        raise fail("body", "an object")
    return {
        "jobs": [
            clean_job(f"body.jobs[{n}]", j) for n, j in enumerate(items(body, "jobs", MAX_JOBS))
        ],
        "campaigns": [
            clean_campaign(f"body.campaigns[{n}]", c)
            for n, c in enumerate(items(body, "campaigns", MAX_CAMPAIGNS))
        ],
        "firmware": [
            clean_firmware(f"body.firmware[{n}]", f)
            for n, f in enumerate(items(body, "firmware", MAX_FIRMWARE))
        ],
    }


def apply_report(*, store: Store, report: dict) -> set[int]:
    """Keep a cleaned report of `store`; the ids of the campaigns it touched."""
    members = dict(
        CampaignStore.objects.filter(
            store=store,
            campaign_id__in={j["campaign"] for j in report["jobs"]}
            | {c["campaign"] for c in report["campaigns"]},
        ).values_list("campaign_id", "id")
    )
    with transaction.atomic():
        touched = keep_jobs(store, report["jobs"], members)
        touched |= keep_campaign_figures(store, report["campaigns"], members)
        keep_firmware(store, report["firmware"])
    return touched


def keep_jobs(store: Store, jobs: list[dict], members: dict[int, int]) -> set[int]:
    touched = set()
    releases = dict(Campaign.objects.filter(pk__in=members).values_list("pk", "release_id"))
    # A technician's update names its release itself: one query for all the report's ids.
    asked = {job["release"] for job in jobs if job["campaign"] is None and job["release"]}
    known = (
        set(Release.objects.filter(pk__in=asked).values_list("pk", flat=True)) if asked else set()
    )
    for job in jobs:
        if job["campaign"] is not None and job["campaign"] not in members:
            log.warning(
                "ota report job skipped store=%s device=%s: store is not in campaign %s",
                store.code,
                job["device"],
                job["campaign"],
            )
            continue
        campaign = job["campaign"]
        if keep_job(store, job, releases, known):
            touched.add(campaign)
    touched.discard(None)
    return touched


def keep_job(store: Store, job: dict, releases: dict[int, int], known: set[int]) -> bool:
    """Insert or update the device's row; False when the report is older than what is kept.
    `releases`: each campaign's release; `known`: the other release ids that exist here."""
    campaign = job.pop("campaign")
    release_id = releases.get(campaign) if campaign else job["release"]
    if not campaign and release_id not in known:
        release_id = None
    job.pop("release")
    key = {"store": store, "kind": job["kind"], "device": job["device"], "campaign_id": campaign}
    if campaign is None:
        key["to_version"] = job["to_version"]
    row = CampaignDevice.objects.select_for_update().filter(**key).first()
    now = timezone.now()
    final = job["state"] in CampaignDevice.FINAL
    if row is None:
        CampaignDevice.objects.create(
            **{**job, **key},
            release_id=release_id,
            received_at=now,
            finished_at=now if final else None,
        )
        return True
    if job["updated_at"] < row.updated_at:
        log.info(
            "ota report job skipped store=%s device=%s: older than the kept one",
            store.code,
            job["device"],
        )
        return False
    if final and row.state not in CampaignDevice.FINAL:
        row.finished_at = now
    elif not final:
        row.finished_at = None
    for name, value in job.items():
        setattr(row, name, value)
    row.release_id, row.received_at = release_id, now
    row.save()
    return True


def keep_campaign_figures(store: Store, entries: list[dict], members: dict[int, int]) -> set[int]:
    touched = set()
    for entry in entries:
        if entry["campaign"] not in members:
            log.warning(
                "ota report figures skipped store=%s: store is not in campaign %s",
                store.code,
                entry["campaign"],
            )
            continue
        CampaignStore.objects.filter(pk=members[entry["campaign"]]).update(
            carts_total=entry["carts_total"],
            behaviour=entry["behaviour"],
            reported_at=timezone.now(),
        )
        touched.add(entry["campaign"])
    return touched


def keep_firmware(store: Store, entries: list[dict]) -> None:
    now = timezone.now()
    for entry in entries:
        DeviceFirmware.objects.update_or_create(
            store=store,
            kind=entry["kind"],
            device=entry["device"],
            defaults={"version": entry["version"], "updated_at": now},
        )
