"""Verbs of incidents: the sweep that opens and resolves them, and what the console reads.

The sweep looks at every store that has ever sent a heartbeat (detectors.py says what is bad),
moves each (store, problem) through lifecycle.py, and writes only when something changes.
Each change happens under the ProblemState row's lock (select_for_update), so two monitors
(or the monitor and Celery beat) sweeping at once never open a problem twice; the database's
one-open-incident constraint guards the same from the other side.
"""

from __future__ import annotations

import copy
import logging
from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from cloud.stores.heartbeats import clean_heartbeat
from cloud.stores.models import Store

from .detectors import DEAD_LETTERS, Finding, is_offline, judge
from .lifecycle import OK, OPEN, Rules, rules_from_settings, step
from .models import SEVERITY_RANK, Incident, IncidentEvent, ProblemState

log = logging.getLogger(__name__)
NOTICE_EVENTS = {"open": "opened", "open_flapping": "opened", "flapping": "flapping"}


def sweep(now: datetime | None = None) -> dict:
    """Judge every store once; {"stores", "opened", "resolved", "flapping", "errors"}.

    A store that cannot be judged (a heartbeat row of the wrong shape, a database error on its
    rows) is logged and counted in "errors" by code; the sweep goes on with the next store.
    """
    now, rules = now or timezone.now(), rules_from_settings()
    summary = {"stores": 0, "opened": 0, "resolved": 0, "flapping": 0, "errors": {}}
    states = states_by_store()
    stores = Store.objects.exclude(last_heartbeat_at=None).only(
        "id", "code", "online", "last_heartbeat_at", "last_heartbeat"
    )
    for store in stores.iterator(chunk_size=500):
        try:
            moves = sweep_store(store, states.get(store.pk, {}), now, rules)
        except Exception as exc:  # one bad store must not blind the monitor to the others
            log.exception("incident sweep failed store=%s", store.code)
            summary["errors"][store.code] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        summary["stores"] += 1
        count_moves(summary, moves)
    return summary


def count_moves(summary: dict, moves: list[str]) -> None:
    summary["opened"] += sum(m in ("open", "open_flapping") for m in moves)
    summary["resolved"] += moves.count("resolve")
    summary["flapping"] += sum(m in ("open_flapping", "flapping") for m in moves)


def states_by_store() -> dict[int, dict[str, ProblemState]]:
    states: dict[int, dict[str, ProblemState]] = defaultdict(dict)
    for state in ProblemState.objects.select_related("incident"):
        states[state.store_id][state.problem] = state
    return states


def sweep_store(
    store: Store, states: dict[str, ProblemState], now: datetime, rules: Rules
) -> list[str]:
    offline = is_offline(
        online=store.online,
        last_heartbeat_at=store.last_heartbeat_at,
        now=now,
        offline_after=rules.offline_after,
    )
    heartbeat = {} if offline else clean_heartbeat(store.last_heartbeat)
    dead = states.get(DEAD_LETTERS)
    judgement = judge(
        code=store.code,
        offline=offline,
        heartbeat=heartbeat,
        samples=dead.samples if dead else [],
        now=now,
        thresholds=rules.thresholds,
    )
    if judgement.samples is not None:
        keep_samples(store, judgement.samples)
    moves = []
    for problem in judgement.judged:
        finding = judgement.bad.get(problem)
        if would_move(states.get(problem), finding, now, rules):
            moves += advance(store, problem, finding, now, rules)
    return moves


def would_move(state: ProblemState | None, finding, now: datetime, rules: Rules) -> bool:
    """Would this look change the state? (read without a lock: most looks change nothing)."""
    if state is None:
        return finding is not None
    preview = copy.copy(state)
    return bool(step(preview, finding is not None, now, rules, flapping=live_flapping(preview)))


def live_flapping(state: ProblemState) -> bool:
    """The open incident's flapping flag; an OPEN state whose incident is gone starts over."""
    incident = state.incident
    if state.status == OPEN and (incident is None or incident.state != Incident.State.OPEN):
        state.status, state.bad_since, state.incident = OK, None, None
    return bool(state.incident and state.incident.flapping)


def keep_samples(store: Store, samples: list) -> None:
    updated = ProblemState.objects.filter(store=store, problem=DEAD_LETTERS).update(samples=samples)
    if not updated:
        try:
            with transaction.atomic():
                ProblemState.objects.create(store=store, problem=DEAD_LETTERS, samples=samples)
        except IntegrityError:  # another sweep created it meanwhile: its samples will do
            pass


def advance(
    store: Store, problem: str, finding: Finding | None, now: datetime, rules: Rules
) -> list[str]:
    """Move (store, problem) under its row's lock; the moves made (none if another sweep
    already made them)."""
    with transaction.atomic():
        state = locked_state(store, problem)
        flapping = live_flapping(state)
        moves = step(state, finding is not None, now, rules, flapping=flapping)
        for move in moves:
            apply(state, move, finding, now)
        if moves:
            state.save()
    for move in moves:
        log.info("incident %s store=%s problem=%s", move, store.code, problem)
    return moves


def locked_state(store: Store, problem: str) -> ProblemState:
    rows = ProblemState.objects.select_for_update()
    state = rows.filter(store=store, problem=problem).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return ProblemState.objects.create(store=store, problem=problem)
    except IntegrityError:  # created by another sweep between our read and our insert
        return rows.get(store=store, problem=problem)


def apply(state: ProblemState, move: str, finding: Finding | None, now: datetime) -> None:
    """Write what `move` means: the incident row, its history, and the notice."""
    if move in ("open", "open_flapping"):
        state.incident = open_incident(state, finding, now, flapping=move == "open_flapping")
        return
    incident = state.incident
    if incident is None:  # pending / cleared: no incident yet
        return
    if move == "bad":
        incident.flips, incident.last_bad_at = incident.flips + 1, now
        record(incident, "bad", now, finding.detail if finding else "")
    elif move == "good":
        incident.flips += 1
        record(incident, "good", now)
    elif move == "flapping":
        incident.flapping = True
        record(incident, "flapping", now, f"{len(state.onsets)} times bad within the window")
    elif move == "resolve":
        incident.state, incident.resolved_at = Incident.State.RESOLVED, now
        record(incident, "resolved", now)
        state.incident = None
    incident.save(update_fields=["flips", "last_bad_at", "flapping", "state", "resolved_at"])
    if move in ("flapping", "resolve"):
        announce(incident, "flapping" if move == "flapping" else "resolved")


def open_incident(
    state: ProblemState, finding: Finding, now: datetime, *, flapping: bool
) -> Incident:
    onsets = len(state.onsets)
    detail = finding.detail
    if flapping:
        detail = f"flapping: went bad {onsets} times in a short while. {detail}".strip()
    fields = {
        "severity": finding.severity,
        "title": finding.title[:200],
        "detail": detail,
        "data": {**finding.data, "bad_since": state.bad_since.isoformat()},
        "opened_at": now,
        "flapping": flapping,
        "flips": 2 * onsets - 1 if flapping else 0,
        "last_bad_at": state.bad_since,
    }
    try:
        with transaction.atomic():
            incident = Incident.objects.create(store=state.store, problem=state.problem, **fields)
    except IntegrityError:
        # An open incident exists that this state did not know (a state row removed by hand):
        # adopt it rather than open a second one or notify twice.
        return Incident.objects.get(store=state.store, problem=state.problem, state="open")
    record(incident, "opened", now, detail)
    if flapping:
        record(incident, "flapping", now, f"{onsets} times bad within the flap window")
    announce(incident, "opened")
    return incident


def record(incident: Incident, kind: str, at: datetime, detail: str = "") -> None:
    IncidentEvent.objects.create(incident=incident, kind=kind, at=at, detail=detail[:300])


def announce(incident: Incident, event: str) -> int:
    """Tell the notification channels (cloud/notifications); never raises into the sweep.

    Called inside the sweep's transaction, in a savepoint: the notice rows commit with the
    event they announce, and a failing notice cannot undo the incident.
    """
    try:
        from cloud.notifications.services import announce as notify
    except ImportError:  # notifications not installed: the incident still counts
        log.warning("no notifications: cannot announce %s of incident %s", event, incident.pk)
        return 0
    try:
        with transaction.atomic():
            return notify(incident, event)
    except Exception:
        log.exception("announcing %s of incident %s failed", event, incident.pk)
        return 0


def visible_incidents(user) -> QuerySet[Incident]:
    """Incidents the caller may read: every ops holder reads every store's (as the store list)."""
    return Incident.objects.select_related("store")


def open_incidents(store: Store | None = None) -> QuerySet[Incident]:
    """Open incidents, worst and newest first (the console's list, a store page's banner)."""
    rows = Incident.objects.filter(state=Incident.State.OPEN).select_related("store")
    if store is not None:
        rows = rows.filter(store=store)
    worst = Case(
        *(When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()),
        output_field=IntegerField(),
    )
    return rows.annotate(rank=worst).order_by("-rank", "-opened_at", "-id")


def store_history(store: Store, limit: int = 50) -> list[Incident]:
    """A store's incidents newest first, each with its events (opened, flips, resolved)."""
    rows = Incident.objects.filter(store=store).prefetch_related("events")
    return list(rows.order_by("-opened_at", "-id")[:limit])
