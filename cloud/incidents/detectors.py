"""What is wrong with a store right now, read from its online flag and its last heartbeat.

Pure functions (no database): services.py feeds them a store's row and keeps what they return.
The heartbeat is the cleaned shape of cloud/stores/heartbeats.py. Each problem found is a
Finding; a problem judged and not found is good now. Whether a bad problem opens an incident
(grace, flap guard) is services.py's business, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .models import Severity

UPLINK = "component:uplink"
COMPONENTS = ("database", "cache", "broker", "ingest", "erp", "cashless", "disk")
# A cache or ERP outage degrades the store; the rest stop carts, payments or data.
COMPONENT_SEVERITY = {
    "database": Severity.CRITICAL,
    "cache": Severity.WARNING,
    "broker": Severity.CRITICAL,
    "ingest": Severity.CRITICAL,
    "erp": Severity.WARNING,
    "cashless": Severity.CRITICAL,
    "disk": Severity.CRITICAL,
}
INGEST_LAG = "fleet:ingest_lag"
CARTS_OFFLINE = "fleet:carts_offline"
FAULTS = "fleet:faults"
DEAD_LETTERS = "fleet:dead_letters"
DISK_FILLING = "fleet:disk_filling"
PROBLEMS = (
    UPLINK,
    *(f"component:{name}" for name in COMPONENTS),
    INGEST_LAG,
    CARTS_OFFLINE,
    FAULTS,
    DEAD_LETTERS,
    DISK_FILLING,
)
# A new dead-letter sample is kept at most once a minute: a store whose dead letters grow
# costs one write a minute, not one per sweep.
SAMPLE_GAP = timedelta(seconds=60)


@dataclass(frozen=True)
class Thresholds:
    ingest_lag_ms: float = 30_000
    carts_offline_pct: float = 30
    faults: int = 5
    dead_letters_growth: int = 100
    dead_letters_window_s: float = 600
    disk_warn_pct: float = 20


@dataclass(frozen=True)
class Finding:
    severity: str
    title: str
    detail: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Judgement:
    """The problems this look may change (`judged`), those of them bad now, and the
    dead-letter samples to keep (None: leave them as they are)."""

    judged: tuple[str, ...]
    bad: dict[str, Finding]
    samples: list | None = None


def is_offline(
    *, online: bool, last_heartbeat_at: datetime | None, now: datetime, offline_after: float
) -> bool:
    """Offline: the tunnel closed (online False) or no heartbeat for `offline_after` seconds
    (a monitor that has not yet swept stale stores must not read a stale heartbeat as live)."""
    if not online or last_heartbeat_at is None:
        return True
    return (now - last_heartbeat_at).total_seconds() > offline_after


def judge(
    *,
    code: str,
    offline: bool,
    heartbeat: dict,
    samples: list,
    now: datetime,
    thresholds: Thresholds,
) -> Judgement:
    """Every problem of store `code` that is bad now, from its clean last heartbeat."""
    if offline:
        # While the store is offline its last heartbeat is stale: the readings in it say
        # nothing about now. Only the uplink is judged; every other problem keeps the state
        # it had (an open ingest incident stays open) until heartbeats come again.
        detail = "no tunnel connection or no heartbeat: the cloud cannot see the store"
        return Judgement(
            (UPLINK,), {UPLINK: Finding(Severity.CRITICAL, f"{code}: offline", detail)}
        )
    bad = component_findings(code, heartbeat.get("components", {}))
    bad.update(fleet_findings(code, heartbeat, thresholds))
    growth = dead_letters(code, heartbeat, samples, now, thresholds)
    if growth.bad:
        bad.update(growth.bad)
    return Judgement(PROBLEMS, bad, growth.samples)


def component_findings(code: str, components: dict) -> dict[str, Finding]:
    found = {}
    for name in COMPONENTS:
        reading = components.get(name)
        # A component the store does not send (an older store) is not judged bad.
        if reading is None or reading["ok"]:
            continue
        data = {k: v for k, v in reading.items() if k != "ok"}
        found[f"component:{name}"] = Finding(
            COMPONENT_SEVERITY[name], f"{code}: {name} not ok", reading.get("detail", ""), data
        )
    return found


def fleet_findings(code: str, heartbeat: dict, limits: Thresholds) -> dict[str, Finding]:
    found = {}
    components, fleet = heartbeat.get("components", {}), heartbeat.get("fleet", {})
    lag = components.get("ingest", {}).get("lag_ms")
    if lag is not None and lag > limits.ingest_lag_ms:
        found[INGEST_LAG] = Finding(
            Severity.WARNING,
            f"{code}: ingest {lag / 1000:.0f} s behind",
            f"ingest lag {lag:.0f} ms is above {limits.ingest_lag_ms:.0f} ms",
            {"lag_ms": lag, "threshold_ms": limits.ingest_lag_ms},
        )
    carts = fleet.get("carts")  # absent when the store could not count (its database is down)
    if carts:
        found.update(cart_findings(code, carts, limits))
    free = components.get("disk", {}).get("free_pct")
    if free is not None and free < limits.disk_warn_pct:
        found[DISK_FILLING] = Finding(
            Severity.WARNING,
            f"{code}: disk {free:.0f} % free",
            f"free disk space is below {limits.disk_warn_pct:.0f} %",
            {"free_pct": free, "free_mb": components["disk"].get("free_mb")},
        )
    return found


def cart_findings(code: str, carts: dict, limits: Thresholds) -> dict[str, Finding]:
    found = {}
    total, offline = carts["total"], carts["offline"]
    if total and offline * 100 / total > limits.carts_offline_pct:
        found[CARTS_OFFLINE] = Finding(
            Severity.WARNING,
            f"{code}: {offline} of {total} carts offline",
            f"more than {limits.carts_offline_pct:.0f} % of the carts are offline",
            {"offline": offline, "total": total, "threshold_pct": limits.carts_offline_pct},
        )
    if carts["fault"] >= limits.faults:
        found[FAULTS] = Finding(
            Severity.WARNING,
            f"{code}: {carts['fault']} carts in fault",
            f"{limits.faults} or more carts report a fault",
            {"fault": carts["fault"], "threshold": limits.faults},
        )
    return found


@dataclass
class Growth:
    bad: dict[str, Finding]
    samples: list | None


def dead_letters(
    code: str, heartbeat: dict, samples: list, now: datetime, limits: Thresholds
) -> Growth:
    """Dead letters growing: ingest's dead_total now against the samples kept over the window."""
    total = heartbeat.get("components", {}).get("ingest", {}).get("dead_total")
    if total is None:
        return Growth({}, None)
    window = timedelta(seconds=limits.dead_letters_window_s)
    kept = sample_dead_letters(samples, total, now, window)
    base_at, base = datetime.fromisoformat(kept[0][0]), kept[0][1]
    growth = total - base
    bad = {}
    if growth >= limits.dead_letters_growth:
        minutes = max((now - base_at).total_seconds(), 0) / 60
        bad[DEAD_LETTERS] = Finding(
            Severity.WARNING,
            f"{code}: {growth} new dead letters",
            f"{growth} messages were dead-lettered in the last {minutes:.0f} min "
            f"(threshold {limits.dead_letters_growth} in {window.total_seconds() / 60:.0f} min)",
            {"growth": growth, "dead_total": total, "since": kept[0][0]},
        )
    return Growth(bad, kept if kept != samples else None)


def sample_dead_letters(samples: list, total: int, now: datetime, window: timedelta) -> list:
    """[[iso time, dead_total], ...]: the oldest is the value at (or just before) the window's
    start, so growth = total - samples[0] counts the dead letters of the last window."""
    points = [[datetime.fromisoformat(at), n] for at, n in samples]
    if not points or total < points[-1][1]:
        points = [[now, total]]  # first sight, or ingest's counter started again
    elif total > points[-1][1] and now - points[-1][0] >= SAMPLE_GAP:
        points.append([now, total])
    while len(points) > 1 and points[1][0] <= now - window:
        points.pop(0)
    return [[at.isoformat(), n] for at, n in points]
