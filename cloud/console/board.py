"""The stores list's rows: every store's health at a glance, problem stores first.

One query for the stores (open incident counts per severity annotated), one for their groups:
the list stays a handful of queries at 1,000 stores. Each row's heartbeat is summarised in
Python (stores.services.heartbeat_summary, which never fails on an odd row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cloud.incidents.models import Incident, Severity
from cloud.stores.models import Store
from cloud.stores.services import heartbeat_summary, readable_heartbeat

# Lower comes first: an open critical incident, then offline, then anything degraded.
CRITICAL, OFFLINE, DEGRADED, OK = 0, 1, 2, 3
HEALTH_NAMES = {CRITICAL: "critical", OFFLINE: "offline", DEGRADED: "degraded", OK: "ok"}
COMPONENT_ORDER = ("database", "cache", "broker", "ingest", "erp", "cashless", "disk")


@dataclass
class StoreRow:
    store: Store
    summary: dict
    critical: int
    warning: int
    info: int
    groups: list[str] = field(default_factory=list)

    @property
    def open_incidents(self) -> int:
        return self.critical + self.warning + self.info

    @property
    def worst_severity(self) -> str:
        for name, count in (("critical", self.critical), ("warning", self.warning)):
            if count:
                return name
        return "info" if self.info else ""

    @cached_property
    def rank(self) -> int:
        if self.critical:
            return CRITICAL
        if not self.store.online:
            return OFFLINE
        if self.warning or self.summary.get("status") != "ok" or not all(self.components.values()):
            return DEGRADED
        return OK

    @property
    def health(self) -> str:
        return HEALTH_NAMES[self.rank]

    @cached_property
    def components(self) -> dict:
        flags = self.summary.get("components") or {}
        ordered = [name for name in COMPONENT_ORDER if name in flags]
        return {name: flags[name] for name in [*ordered, *sorted(set(flags) - set(ordered))]}

    @property
    def version(self) -> str:
        software = (self.store.last_heartbeat or {}).get("software") or {}
        return software.get("version", "") if isinstance(software, dict) else ""

    @property
    def carts(self) -> dict:
        return self.summary.get("carts") or {}

    def heartbeat_age(self, now: datetime) -> int | None:
        at = self.store.last_heartbeat_at
        return None if at is None else max(0, int((now - at).total_seconds()))


def open_counts() -> dict:
    is_open = Q(incidents__state=Incident.State.OPEN)
    return {
        level: Count("incidents", filter=is_open & Q(incidents__severity=severity))
        for level, severity in (
            ("n_critical", Severity.CRITICAL),
            ("n_warning", Severity.WARNING),
            ("n_info", Severity.INFO),
        )
    }


def filtered_stores(filters: dict) -> QuerySet[Store]:
    stores = Store.objects.all()
    if filters.get("q"):
        stores = stores.filter(Q(code__icontains=filters["q"]) | Q(name__icontains=filters["q"]))
    # Subqueries, not joins: a join on incidents here would narrow the counts annotated later.
    if filters.get("group"):
        stores = stores.filter(
            pk__in=Store.groups.through.objects.filter(storegroup__name=filters["group"]).values(
                "store_id"
            )
        )
    if filters.get("offline"):
        stores = stores.filter(online=False)
    if filters.get("severity"):
        stores = stores.filter(
            pk__in=Incident.objects.filter(
                state=Incident.State.OPEN, severity=filters["severity"]
            ).values("store_id")
        )
    return stores


def store_rows(filters: dict) -> list[StoreRow]:
    """The rows the list shows for these filters (q, group, offline, severity, problem), problem
    stores first, then by code."""
    stores = filtered_stores(filters).annotate(**open_counts()).prefetch_related("groups")
    rows = [
        StoreRow(
            store=store,
            summary=heartbeat_summary(store.last_heartbeat),
            critical=store.n_critical,
            warning=store.n_warning,
            info=store.n_info,
            groups=[group.name for group in store.groups.all()],
        )
        for store in stores
    ]
    if filters.get("problem"):
        rows = [row for row in rows if row.rank != OK]
    return sorted(rows, key=lambda row: (row.rank, row.store.code))


def tally(rows: list[StoreRow]) -> dict:
    """How many stores of each health, for the list's headline."""
    counts = dict.fromkeys(HEALTH_NAMES.values(), 0)
    for row in rows:
        counts[row.health] += 1
    return {"total": len(rows), **counts, "now": timezone.now()}


def component_rows(store: Store) -> list[dict]:
    """Each component of the last heartbeat: name, ok, detail, ms, and the rest of its figures."""
    components = readable_heartbeat(store.last_heartbeat).get("components") or {}
    return [
        {
            "name": name,
            **fields,
            "extra": {k: v for k, v in fields.items() if k not in ("ok", "detail", "ms")},
        }
        for name, fields in components.items()
    ]
