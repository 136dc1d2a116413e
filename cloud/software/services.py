"""Verbs of on-prem rollouts: start one, abort it, keep what the stores report, read it back.

A rollout sends one `onprem-v1` release to some stores. Each store is checked first: what it
runs (its heartbeat's `software`), whether another rollout is updating it, and the
compatibility table (smartcart/compat.py) against its devices' firmware and this cloud's
tunnel protocol. A store that fails a check gets a `refused` StoreUpdate with the sentences
why; the others get the `onprem.update` store command through the command outbox (at least
once, until acked or 24 h). The store's updater then reports each step in `software_report`
frames. The rollout finishes when every store's update is final.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cloud.commands.models import StoreCommand
from cloud.commands.services import cancel_store_commands, request_store_commands
from cloud.releases.models import HARDWARE_OF_KIND, ONPREM_HARDWARE, DeviceFirmware, Release
from cloud.stores.models import Store, StoreGroup
from smartcart import tunnel_frames
from smartcart.compat import check_update, version_key

from . import reports
from .errors import RolloutConflict, RolloutError
from .models import Rollout, RolloutAction, StoreUpdate

log = logging.getLogger(__name__)
State = StoreUpdate.State
COMMAND = "onprem.update"
ROLLOUT_TTL_S = 24 * 3600
CLOUD = "cloud"  # who the audit names when the rollout finishes by itself
WAITING = (State.PENDING, State.SENT)  # the cloud's own states: the store has reported nothing


def username(user: object) -> str:
    return user if isinstance(user, str) else user.get_username()  # type: ignore[attr-defined]


def start_rollout(release: Release, stores: object, user: object, note: str = "") -> Rollout:
    """Send `release` to `stores` ([codes], [Store], a StoreGroup or {"group": name}).

    RolloutError (400) when the release is not on-prem software, has expired, or the stores
    are empty or unknown. Stores that must not take it are kept as `refused`, with why.
    """
    by = username(user)
    refuse_release(release)
    members, asked = resolve_stores(stores)
    with transaction.atomic():
        list(Store.objects.select_for_update().filter(pk__in=[s.pk for s in members]))
        rollout = Rollout.objects.create(
            release=release, stores_asked=asked, note=note[:300], created_by=by
        )
        updates = plan_updates(rollout, members)
        StoreUpdate.objects.bulk_create(updates)
        refused = [u.store.code for u in updates if u.state == State.REFUSED]
        audit(rollout, "start", by, {"stores": [s.code for s in members], "refused": refused})
    log.info(
        "rollout started id=%s release=%s version=%s stores=%d refused=%d by=%s",
        rollout.pk,
        release.pk,
        release.version,
        len(members),
        len(refused),
        by,
    )
    send_commands(rollout, [u for u in updates if u.state == State.PENDING], by)
    finish_if_done([rollout.pk])
    return rollout


def refuse_release(release: Release) -> None:
    if release.hardware != ONPREM_HARDWARE:
        raise RolloutError(
            f"release {release.pk} is {release.hardware} firmware: a rollout takes an "
            f"{ONPREM_HARDWARE} release (start a campaign for device firmware)"
        )
    if release.expires <= timezone.now():
        raise RolloutError(f"release {release.pk} expired at {release.expires.isoformat()}")


def resolve_stores(asked: object) -> tuple[list[Store], object]:
    """The stores, ordered by code, and what to record as asked; RolloutError if none or unknown."""
    if isinstance(asked, dict) and set(asked) == {"group"} and isinstance(asked["group"], str):
        asked = StoreGroup.objects.filter(name=asked["group"]).first() or asked["group"]
        if isinstance(asked, str):
            raise RolloutError(f"no store group {asked!r}")
    if isinstance(asked, StoreGroup):
        stores = list(asked.stores.order_by("code"))
        if not stores:
            raise RolloutError(f"store group {asked.name!r} has no stores")
        return stores, {"group": asked.name}
    if not isinstance(asked, list | tuple) or not asked:
        raise RolloutError('stores must be a non-empty list of store codes, or {"group": name}')
    codes = [s.code if isinstance(s, Store) else s for s in asked]
    if not all(isinstance(c, str) for c in codes):
        raise RolloutError("stores must be store codes (texts)")
    stores = list(Store.objects.filter(code__in=codes).order_by("code"))
    missing = sorted(set(codes) - {s.code for s in stores})
    if missing:
        raise RolloutError(f"no such stores: {', '.join(missing[:20])}")
    return stores, sorted(set(codes))


def plan_updates(rollout: Rollout, stores: list[Store]) -> list[StoreUpdate]:
    """One StoreUpdate per store: pending, or refused with the reasons."""
    target, now = rollout.release.version, timezone.now()
    firmware = firmware_by_store(stores)
    busy = busy_stores(stores)
    updates = []
    for store in stores:
        problems = store_problems(store, target, firmware.get(store.pk, {}), busy.get(store.pk))
        state = State.REFUSED if problems else State.PENDING
        reason = "; ".join(problems)
        updates.append(
            StoreUpdate(
                rollout=rollout,
                store=store,
                state=state,
                reason=reason[:1000],
                from_version=running_software(store).get("version", "")[:40],
                to_version=target,
                updated_at=now,
                finished_at=now if problems else None,
                history=[reports.cloud_entry(state, reason, now)],
            )
        )
    return updates


def running_software(store: Store) -> dict:
    """{"version", "protocol"} from the store's last heartbeat, {} when it never sent them."""
    heartbeat = store.last_heartbeat if isinstance(store.last_heartbeat, dict) else {}
    software = heartbeat.get("software")
    return software if isinstance(software, dict) else {}


def store_problems(store: Store, target: str, firmware: dict, busy: StoreUpdate | None) -> list:
    """Why `store` must not take on-prem `target` (empty: it may)."""
    running = running_software(store).get("version")
    if not isinstance(running, str):
        return [
            f"{store.code} has not reported its on-prem version (no heartbeat with `software`): "
            "the cloud cannot check the update"
        ]
    try:
        if version_key(running) >= version_key(target):
            return [f"{store.code} already runs on-prem {running}, not older than {target}"]
    except ValueError as exc:
        return [f"{store.code} reports an on-prem version the cloud cannot compare: {exc}"]
    if busy is not None:
        return [
            f"{store.code} is already being updated by rollout {busy.rollout_id} "
            f"({busy.state}): abort it or let it finish first"
        ]
    return check_update(
        target, firmware=firmware, cloud_protocol=tunnel_frames.VERSION, store=store.code
    )


def firmware_by_store(stores: list[Store]) -> dict[int, dict[str, dict[str, int]]]:
    """{store pk: {hardware: {version: devices}}} from the devices' last reports."""
    rows = (
        DeviceFirmware.objects.filter(store__in=stores)
        .values("store_id", "kind", "version")
        .annotate(devices=Count("id"))
    )
    firmware: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        hardware = HARDWARE_OF_KIND.get(row["kind"], row["kind"])
        firmware[row["store_id"]][hardware][row["version"]] = row["devices"]
    return firmware


def busy_stores(stores: list[Store]) -> dict[int, StoreUpdate]:
    """The stores being updated: two updaters must not race on one box. An aborted rollout's
    store counts while its updater reports steps (abort lets an install under way finish)."""
    under_way = (
        StoreUpdate.objects.filter(store__in=stores)
        .exclude(state__in=StoreUpdate.FINAL)
        .filter(Q(rollout__state__in=Rollout.OPEN) | ~Q(state__in=WAITING))
    )
    return {update.store_id: update for update in under_way}


def update_args(rollout: Rollout) -> dict:
    """The `onprem.update` args (smartcart/store_commands.py)."""
    release = rollout.release
    return {
        "rollout": rollout.pk,
        "release": {
            "version": release.version,
            "hardware": release.hardware,
            "sha256": release.sha256,
            "size": release.size,
            "manifest": release.manifest,
            "url": release.artifact_path,
        },
    }


def send_commands(rollout: Rollout, updates: list[StoreUpdate], by: str) -> None:
    if not updates:
        return
    commands = request_store_commands(
        stores=[u.store for u in updates],
        name=COMMAND,
        args=update_args(rollout),
        ttl_s=ROLLOUT_TTL_S,
        requested_by=by,
    )
    for update, command in zip(updates, commands, strict=True):
        update.command_id = command.pk
    StoreUpdate.objects.bulk_update(updates, ["command_id"])


def audit(rollout: Rollout, action: str, by: str, detail: dict | None = None) -> None:
    RolloutAction.objects.create(rollout=rollout, action=action, by=by, detail=detail or {})


def abort(rollout: Rollout, user: object) -> Rollout:
    """No store that has not taken the update yet will get it: its command is taken back and
    its update fails. Stores whose updater already has it finish (switch or roll back) and keep
    reporting: stopping an install halfway would be worse. RolloutConflict if not open."""
    by = username(user)
    with transaction.atomic():
        locked = Rollout.objects.select_for_update().get(pk=rollout.pk)
        if locked.state not in Rollout.OPEN:
            raise RolloutConflict(f"rollout {locked.pk} is already {locked.state}")
        # Locked like a report locks them: a step the store reports meanwhile is never lost.
        waiting = list(
            locked.updates.select_for_update()
            .filter(state__in=WAITING)
            .exclude(command_id="")
            .select_related("store")
        )
        reason = f"rollout {locked.pk} was aborted by {by} before the store took the update"
        taken_back = set(cancel_store_commands(ids=[u.command_id for u in waiting], reason=reason))
        stopped = [u for u in waiting if u.command_id in taken_back]
        for update in stopped:
            finish(update, State.FAILED, reason)
        StoreUpdate.objects.bulk_update(
            stopped, ["state", "reason", "updated_at", "finished_at", "history"]
        )
        locked.state, locked.finished_at = Rollout.State.ABORTED, timezone.now()
        locked.save(update_fields=["state", "finished_at"])
        audit(locked, "abort", by, {"stopped": sorted(u.store.code for u in stopped)})
    log.info("rollout aborted id=%s stopped=%d by=%s", locked.pk, len(stopped), by)
    return locked


def finish(update: StoreUpdate, state: str, reason: str) -> None:
    """The cloud ends a store's update itself (not saved)."""
    now = timezone.now()
    update.state, update.reason, update.updated_at, update.finished_at = state, reason, now, now
    entry = reports.cloud_entry(state, reason, now)
    update.history = [*update.history, entry][-reports.HISTORY_LIMIT :]


def record_report(store: Store, body: object) -> int:
    """Keep a store's `software_report`; how many entries moved an update. ReportError for a
    bad body.

    One transaction per frame, the store's updates locked. Idempotent and safe out of order
    (cloud/software/reports.py). An entry for a rollout the store is not in, or another
    version than the rollout's, is logged and skipped.
    """
    entries = reports.clean_report(body)
    moved, changed = 0, {}
    with transaction.atomic():
        updates = {
            u.rollout_id: u
            for u in StoreUpdate.objects.select_for_update().filter(
                store=store, rollout_id__in={e.rollout for e in entries}
            )
        }
        for entry in entries:
            update = updates.get(entry.rollout)
            if update is None or update.to_version != entry.version:
                log.warning(
                    "software_report entry ignored store=%s rollout=%s version=%s: not this "
                    "store's update",
                    store.code,
                    entry.rollout,
                    entry.version,
                )
                continue
            outcome = reports.merge(update, entry)
            log.info(
                "software_report store=%s rollout=%s state=%s %s",
                store.code,
                entry.rollout,
                entry.state,
                outcome,
            )
            if outcome != "ignored":
                changed.setdefault(update.pk, [update, False])[1] |= outcome == "moved"
            moved += outcome == "moved"
        for update, did_move in changed.values():
            save_report(update, "moved" if did_move else "history")
    finish_if_done({update.rollout_id for update, _ in changed.values()})
    return moved


def save_report(update: StoreUpdate, outcome: str) -> None:
    fields = ["history"]
    if outcome == "moved":
        update.updated_at = timezone.now()
        if update.final:
            update.finished_at = update.updated_at
        fields += ["state", "step", "reason", "reported_at", "updated_at", "finished_at"]
    update.save(update_fields=fields)


def settle_commands(rollouts: Iterable[int] | None = None) -> int:
    """Move waiting updates along with their commands: taken → sent; refused by the store or
    expired → failed (the store never started). How many changed. Runs in the monitor's sweep
    and before every read. The updates are locked as a report locks them, so a step the store
    reports meanwhile is never overwritten."""
    waiting = StoreUpdate.objects.filter(
        state__in=WAITING, rollout__state__in=Rollout.OPEN
    ).exclude(command_id="")
    if rollouts is not None:
        waiting = waiting.filter(rollout_id__in=list(rollouts))
    ids = list(waiting.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        # One table locked (no join): abort locks the rollout, then its updates; never reversed.
        waiting = list(
            StoreUpdate.objects.select_for_update().filter(pk__in=ids, state__in=WAITING)
        )
        commands = StoreCommand.objects.in_bulk([u.command_id for u in waiting])
        changed = [u for u in waiting if follow_command(u, commands.get(u.command_id))]
        StoreUpdate.objects.bulk_update(
            changed, ["state", "reason", "updated_at", "finished_at", "history"]
        )
    finish_if_done({u.rollout_id for u in changed})
    return len(changed)


def follow_command(update: StoreUpdate, command: StoreCommand | None) -> bool:
    """Bring one waiting update in line with its command (not saved); whether it changed."""
    if command is None:
        return False
    expired = command.state in StoreCommand.OPEN and command.expires_at <= timezone.now()
    if command.state in (StoreCommand.State.FAILED, StoreCommand.State.EXPIRED) or expired:
        error = (command.result or {}).get("error") if isinstance(command.result, dict) else None
        finish(update, State.FAILED, str(error or "the store did not take the update in 24 h"))
        return True
    if update.state == State.PENDING and command.state != StoreCommand.State.PENDING:
        update.state, update.updated_at = State.SENT, timezone.now()
        entry = reports.cloud_entry(State.SENT, "", update.updated_at)
        update.history = [*update.history, entry][-reports.HISTORY_LIMIT :]
        return True
    return False


def finish_if_done(rollout_ids: Iterable[int]) -> list[int]:
    """Finish each open rollout whose every store's update is final; the ids finished."""
    finished = []
    for pk in sorted(set(rollout_ids)):
        if StoreUpdate.objects.filter(rollout_id=pk).exclude(state__in=StoreUpdate.FINAL).exists():
            continue
        with transaction.atomic():
            done = Rollout.objects.filter(pk=pk, state__in=Rollout.OPEN).update(
                state=Rollout.State.FINISHED, finished_at=timezone.now()
            )
            if done:
                rollout = Rollout.objects.get(pk=pk)
                audit(rollout, "finish", CLOUD, progress(rollout)["by_state"])
                finished.append(pk)
                log.info("rollout finished id=%s", pk)
    return finished


def progress(rollout: Rollout) -> dict:
    """Counts by state, how many stores, how many final."""
    return progress_of([rollout.pk])[rollout.pk]


def progress_of(rollout_ids: Iterable[int]) -> dict[int, dict]:
    """progress() of many rollouts in one query (a page of the list)."""
    counts = {pk: dict.fromkeys(State.values, 0) for pk in rollout_ids}
    rows = (
        StoreUpdate.objects.filter(rollout_id__in=list(counts))
        .values("rollout_id", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["rollout_id"]][row["state"]] = row["n"]
    return {
        pk: {
            "stores": sum(by_state.values()),
            "final": sum(by_state[s] for s in StoreUpdate.FINAL),
            "by_state": by_state,
        }
        for pk, by_state in counts.items()
    }


def store_software(store: Store, *, limit: int = 10) -> dict:
    """What the store runs (its last heartbeat), its open update if any, its last updates."""
    settle_commands(
        StoreUpdate.objects.filter(store=store, state__in=WAITING).values_list(
            "rollout_id", flat=True
        )
    )
    running = running_software(store)
    updates = list(
        StoreUpdate.objects.filter(store=store)
        .select_related("rollout__release")
        .order_by("-rollout__created_at", "-id")[:limit]
    )
    current = next((u for u in updates if not u.final), None)
    return {
        "store": store.code,
        "online": store.online,
        "version": running.get("version"),
        "protocol": running.get("protocol"),
        "reported_at": store.last_heartbeat_at,
        "current": current,
        "updates": updates,
    }
