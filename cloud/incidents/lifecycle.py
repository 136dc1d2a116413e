"""How one (store, problem) moves between ok, pending and open: grace, recovery, flap guard.

`step` is pure: it changes a ProblemState's fields in memory and says which moves it made;
services.py applies the moves (incident rows, events, notices) under the state row's lock.

  ok ──bad──▶ pending ──bad for `grace`──▶ open ──good for `recovery`──▶ ok (resolved)
   │            └──good──▶ ok
   └──bad, and `flap_onsets` onsets within `flap_window`──▶ open, flapping at once
  open: bad↔good changes are flips; enough onsets mark it flapping; a flapping incident
  resolves only after `flap_quiet` of good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .detectors import Thresholds
from .models import ProblemState

OK, PENDING, OPEN = (ProblemState.Status.OK, ProblemState.Status.PENDING, ProblemState.Status.OPEN)


@dataclass(frozen=True)
class Rules:
    grace: timedelta
    recovery: timedelta
    flap_window: timedelta
    flap_onsets: int
    flap_quiet: timedelta
    offline_after: float
    thresholds: Thresholds


def rules_from_settings() -> Rules:
    seconds = lambda name: timedelta(seconds=getattr(settings, name))  # noqa: E731
    return Rules(
        grace=seconds("INCIDENT_GRACE_SECONDS"),
        recovery=seconds("INCIDENT_RECOVERY_SECONDS"),
        flap_window=seconds("INCIDENT_FLAP_WINDOW_SECONDS"),
        flap_onsets=settings.INCIDENT_FLAP_ONSETS,
        flap_quiet=seconds("INCIDENT_FLAP_QUIET_SECONDS"),
        offline_after=settings.STORE_OFFLINE_AFTER_SECONDS,
        thresholds=Thresholds(
            ingest_lag_ms=settings.INCIDENT_INGEST_LAG_MS,
            carts_offline_pct=settings.INCIDENT_CARTS_OFFLINE_PCT,
            faults=settings.INCIDENT_FAULTS,
            dead_letters_growth=settings.INCIDENT_DEAD_LETTERS_GROWTH,
            dead_letters_window_s=settings.INCIDENT_DEAD_LETTERS_WINDOW_SECONDS,
            disk_warn_pct=settings.INCIDENT_DISK_WARN_PCT,
        ),
    )


def step(state: ProblemState, bad: bool, now: datetime, rules: Rules, *, flapping: bool) -> list:
    """The moves `state` makes on this look (bad or good now); [] when nothing changes."""
    if state.status == OK:
        return from_ok(state, now, rules) if bad else []
    if state.status == PENDING:
        return from_pending(state, bad, now, rules)
    return from_open(state, bad, now, rules, flapping=flapping)


def from_ok(state: ProblemState, now: datetime, rules: Rules) -> list:
    went_bad(state, now, rules)
    if len(state.onsets) >= rules.flap_onsets:
        # Each outage may be shorter than the grace: the onsets, not their length, give it away.
        state.status = OPEN
        return ["open_flapping"]
    state.status = OPEN if rules.grace <= timedelta(0) else PENDING
    return ["open"] if state.status == OPEN else ["pending"]


def from_pending(state: ProblemState, bad: bool, now: datetime, rules: Rules) -> list:
    if not bad:
        state.status, state.bad_since, state.good_since = OK, None, now
        return ["cleared"]
    if now - state.bad_since >= rules.grace:
        state.status = OPEN
        return ["open"]
    return []


def from_open(state: ProblemState, bad: bool, now: datetime, rules: Rules, *, flapping) -> list:
    if bad:
        if state.bad_since is not None:
            return []  # still bad
        went_bad(state, now, rules)
        starts_flapping = not flapping and len(state.onsets) >= rules.flap_onsets
        return ["bad", "flapping"] if starts_flapping else ["bad"]
    # (neither set: a row edited by hand; its good spell starts now)
    if state.bad_since is not None or state.good_since is None:
        state.bad_since, state.good_since = None, now
        return ["good"]
    quiet = rules.flap_quiet if flapping else rules.recovery
    if now - state.good_since >= quiet:
        state.status, state.good_since = OK, now
        return ["resolve"]
    return []


def went_bad(state: ProblemState, now: datetime, rules: Rules) -> None:
    state.onsets = [*recent(state.onsets, now, rules.flap_window), now.isoformat()]
    state.bad_since, state.good_since = now, None


def recent(onsets: list, now: datetime, window: timedelta) -> list:
    return [at for at in onsets if now - datetime.fromisoformat(at) < window]
