"""Verbs of campaigns: start one, act on it (pause, resume, abort, approve), and let it move by
itself as reports come in (next phase, waiting for approval, finished, paused).

Every change is a new revision, audited as a CampaignAction and sent to each of the
campaign's stores as an `ota.campaign` store command carrying the whole state for that
store (its cumulative target, its window): a store keeps the highest revision it has seen.
Changes happen under a row lock of the campaign, so two stores reporting at once never
advance it twice. docs/ota.md, "Campaigns".
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from cloud.commands.services import request_store_commands
from cloud.stores.models import Store, StoreGroup
from smartcart import store_commands

from . import behaviour, progress
from .errors import CampaignConflict, CampaignError
from .models import KIND_OF_HARDWARE, Campaign, CampaignAction, CampaignStore, Release
from .phases import clean_phases, clean_window
from .services import release_args

log = logging.getLogger(__name__)
State = Campaign.State
CLOUD = "cloud"  # who the audit names when the campaign moves by itself

# action: (states it may start from, the state it leads to)
ACTIONS = {
    "pause": ((State.RUNNING, State.WAITING_APPROVAL), State.PAUSED),
    "resume": ((State.PAUSED,), State.RUNNING),
    "abort": (Campaign.OPEN, State.ABORTED),
    "approve": ((State.WAITING_APPROVAL,), State.RUNNING),
}
ACTION_HELP = {
    "pause": "its stores start no new install (those under way finish).",
    "resume": "a paused campaign goes on; failures so far stop counting against the threshold.",
    "abort": "no new install starts, ever; finished ones stay.",
    "approve": "the next phase starts (when the campaign waits for approval).",
}


def resolve_stores(asked: object) -> list[Store]:
    """ "all" (every registered store now), [codes], or {"group": name}; CampaignError if not."""
    if asked == "all":
        stores = list(Store.objects.order_by("code"))
    elif isinstance(asked, dict) and set(asked) == {"group"} and isinstance(asked["group"], str):
        group = StoreGroup.objects.filter(name=asked["group"]).first()
        if group is None:
            raise CampaignError(f"no store group {asked['group']!r}")
        stores = list(group.stores.order_by("code"))
    elif isinstance(asked, list) and asked and all(isinstance(c, str) for c in asked):
        stores = list(Store.objects.filter(code__in=asked).order_by("code"))
        missing = sorted(set(asked) - {s.code for s in stores})
        if missing:
            raise CampaignError(f"no such stores: {', '.join(missing[:20])}")
    else:
        raise CampaignError('stores must be "all", a list of store codes, or {"group": name}')
    if not stores:
        raise CampaignError("the campaign would reach no store")
    return stores


def create_campaign(
    *,
    release: Release,
    stores: object,
    created_by: str,
    name: str = "",
    phases: object = None,
    max_failure_percent: float = 10,
    approval: bool = False,
    window: object = None,
    windows: dict | None = None,
    observe_hours: int = 24,
    max_regression_percent: float = 25,
) -> Campaign:
    """Start rolling `release` out; CampaignError (400) or CampaignConflict (409) if it cannot."""
    if release.hardware not in KIND_OF_HARDWARE:
        raise CampaignError(
            f"release {release.pk} is {release.hardware} software for the store itself, not "
            "device firmware: start a rollout (/api/v1/rollouts/) instead of a campaign"
        )
    if release.expires <= timezone.now():
        raise CampaignError(f"release {release.pk} expired at {release.expires.isoformat()}")
    members = resolve_stores(stores)
    overrides = store_windows(windows or {}, {s.code for s in members})
    with transaction.atomic():
        refuse_overlap(release, members)
        campaign = Campaign.objects.create(
            release=release,
            name=name or f"{release.hardware} {release.version}",
            stores_asked=stores,
            phases=clean_phases(phases),
            max_failure_percent=max_failure_percent,
            approval=approval,
            window=clean_window(window),
            observe_hours=observe_hours,
            max_regression_percent=max_regression_percent,
            created_by=created_by,
        )
        CampaignStore.objects.bulk_create(
            CampaignStore(campaign=campaign, store=s, window=overrides.get(s.code)) for s in members
        )
        audit(campaign, "start", created_by, {"stores": [s.code for s in members]})
    log.info(
        "campaign started id=%s release=%s stores=%d by=%s",
        campaign.pk,
        release.pk,
        len(members),
        created_by,
    )
    publish(campaign)
    return campaign


def store_windows(windows: object, codes: set[str]) -> dict[str, dict | None]:
    if not isinstance(windows, dict):
        raise CampaignError('windows must be {"<store code>": {"start": "HH:MM", "end": "HH:MM"}}')
    strangers = sorted(set(windows) - codes)
    if strangers:
        raise CampaignError(f"windows names stores outside the campaign: {', '.join(strangers)}")
    return {code: clean_window(w, f"the window of {code}") for code, w in windows.items()}


def refuse_overlap(release: Release, stores: list[Store]) -> None:
    """Two open campaigns of one hardware in one store would fight over its devices."""
    busy = (
        CampaignStore.objects.filter(
            store__in=stores,
            campaign__state__in=Campaign.OPEN,
            campaign__release__hardware=release.hardware,
        )
        .select_related("store")
        .first()
    )
    if busy:
        raise CampaignConflict(
            f"store {busy.store.code} is already in open campaign {busy.campaign_id} for "
            f"{release.hardware}: abort it or let it finish first"
        )


def audit(campaign: Campaign, action: str, by: str, detail: dict | None = None) -> None:
    CampaignAction.objects.create(
        campaign=campaign, action=action, by=by, revision=campaign.revision, detail=detail or {}
    )


def campaign_args(campaign: Campaign, member: CampaignStore) -> dict:
    """The `ota.campaign` args for one store (smartcart/store_commands.py)."""
    return {
        "campaign": campaign.pk,
        "revision": campaign.revision,
        "release": release_args(campaign.release),
        "state": campaign.state,
        "phase": campaign.phase,
        "target": campaign.phases[campaign.phase - 1],
        "window": member.window if member.window is not None else campaign.window,
        "observe_hours": campaign.observe_hours,
    }


def publish(campaign: Campaign) -> None:
    """Send the campaign's current revision to each of its stores (one command per store)."""
    by_window: dict[str, tuple[dict, list[Store]]] = {}
    for member in campaign.stores.select_related("store"):
        args = campaign_args(campaign, member)
        key = repr(args["window"])
        by_window.setdefault(key, (args, []))[1].append(member.store)
    for args, stores in by_window.values():
        request_store_commands(
            stores=stores,
            name="ota.campaign",
            args=args,
            ttl_s=store_commands.MAX_TTL_S,
            requested_by=campaign.created_by,
        )


def act(*, campaign_id: int, action: str, by: str) -> Campaign:
    """Pause, resume, abort or approve; CampaignConflict when its state does not allow it."""
    allowed, target = ACTIONS[action]
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state not in allowed:
            raise CampaignConflict(
                f"campaign {campaign.pk} is {campaign.state}: it cannot be {past(action)} "
                f"(only when {' or '.join(allowed)})"
            )
        detail = {"from": campaign.state, "paused_reason": campaign.paused_reason}
        if action == "resume":
            accept_what_paused(campaign)
        if action == "approve":
            campaign.phase += 1
        if target != State.PAUSED:
            campaign.paused_reason, campaign.pause_figures = "", {}
        else:
            campaign.paused_reason = f"paused by {by}"
        move(campaign, target, action, by, detail)
    publish(campaign)
    if action in ("resume", "approve"):
        evaluate(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def past(action: str) -> str:
    return {"pause": "paused", "resume": "resumed", "abort": "aborted", "approve": "approved"}[
        action
    ]


def accept_what_paused(campaign: Campaign) -> None:
    """Ops resuming have seen what paused it: failures before now stop counting, and a
    behaviour regression trips again only if it gets worse than now."""
    campaign.counted_since = timezone.now()
    if campaign.pause_figures.get("kind") == "behaviour":
        campaign.accepted_regression_percent = behaviour.worst(campaign.pause_figures)


def move(campaign: Campaign, state: str, action: str, by: str, detail: dict) -> None:
    """Save the campaign in its new state as a new revision, audited. Inside the lock."""
    now = timezone.now()
    campaign.state, campaign.revision, campaign.updated_at = state, campaign.revision + 1, now
    if state in (State.FINISHED, State.ABORTED):
        campaign.finished_at = now
    campaign.save()
    audit(campaign, action, by, {**detail, "state": state, "phase": campaign.phase})
    log.info(
        "campaign %s id=%s state=%s phase=%s revision=%s by=%s",
        action,
        campaign.pk,
        state,
        campaign.phase,
        campaign.revision,
        by,
    )


def evaluate(*, campaign_id: int) -> Campaign:
    """Re-judge a campaign after reports: behaviour figures, then failures and regressions
    (pause), then whether its phase is done (next phase, waiting for approval, finished)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update().select_related("release").get(pk=campaign_id)
        )
        figures = behaviour.judge(
            list(campaign.stores.values_list("behaviour", flat=True)),
            max_regression_percent=campaign.max_regression_percent,
            accepted_percent=campaign.accepted_regression_percent,
        )
        campaign.behaviour = figures
        changed = decide(campaign, figures)
        if not changed:
            campaign.save(update_fields=["behaviour"])
    if changed:
        publish(campaign)
    return campaign


def decide(campaign: Campaign, figures: dict) -> bool:
    """Move the campaign if the figures say so; whether it moved."""
    if campaign.state not in (State.RUNNING, State.WAITING_APPROVAL):
        return False
    failures = progress.failure_figures(campaign)
    if failures["finished"] and failures["failure_percent"] > campaign.max_failure_percent:
        pause_by_cloud(campaign, failure_sentence(failures, campaign), failures)
        return True
    if figures["verdict"] == "regression":
        pause_by_cloud(campaign, behaviour.sentence(figures), {"kind": "behaviour", **figures})
        return True
    if campaign.state != State.RUNNING or not progress.phase_done(campaign):
        return False
    if campaign.phase >= len(campaign.phases):
        move(campaign, State.FINISHED, "finish", CLOUD, {})
    elif campaign.approval:
        move(campaign, State.WAITING_APPROVAL, "phase_done", CLOUD, {})
    else:
        campaign.phase += 1
        move(campaign, State.RUNNING, "next_phase", CLOUD, {})
    return True


def pause_by_cloud(campaign: Campaign, reason: str, figures: dict) -> None:
    campaign.paused_reason, campaign.pause_figures = reason[:300], figures
    move(campaign, State.PAUSED, "auto_pause", CLOUD, {"reason": reason, "figures": figures})


def failure_sentence(failures: dict, campaign: Campaign) -> str:
    return (
        f"failures: {failures['failed']} of {failures['finished']} finished updates failed or "
        f"rolled back ({failures['failure_percent']:g} %), above the "
        f"{campaign.max_failure_percent:g} % threshold"
    )
