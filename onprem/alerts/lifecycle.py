"""Raising, re-raising and clearing alerts: the only writes the rules make.

Every write is a single conditional statement on the alert's `active_key` (models.py): two
ingest workers, or a message redelivered after a crash, can race here and the database lets
one of them through. Each change is told (signals.alert_changed) once committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .choices import AlertState
from .models import Alert
from .signals import tell_on_commit

log = logging.getLogger(__name__)


def alert_key(kind: str, device_id: str, detail: str | int = "") -> str:
    return f"{kind}:{device_id}:{detail}" if detail != "" else f"{kind}:{device_id}"


@dataclass
class Raise:
    """An alert a rule wants raised (or re-raised, when it flaps)."""

    kind: str
    severity: str
    device_kind: str
    device_id: str
    detail: str | int = ""  # what tells two alerts of one kind on one device apart (a fault code)
    data: dict = field(default_factory=dict)
    evidence_at: datetime | None = None  # when the device message that shows it was taken
    flap_window: timedelta | None = None  # re-open an alert cleared this recently instead
    help_request_id: object = None

    @property
    def key(self) -> str:
        return alert_key(self.kind, self.device_id, self.detail)


def raise_alert(wanted: Raise) -> Alert | None:
    """The alert raised (or re-opened), or None when one is active already or the evidence is
    older than what the last alert of this key has seen (a late redelivery)."""
    latest = Alert.objects.filter(key=wanted.key).order_by("-id").first()
    if latest is not None and latest.active:
        return None
    if stale(latest, wanted.evidence_at):
        log.info("alert not raised key=%s: evidence older than the last alert's", wanted.key)
        return None
    if latest is not None and flapped(latest, wanted.flap_window):
        return reopen(latest, wanted)
    return create(wanted)


def stale(latest: Alert | None, evidence_at: datetime | None) -> bool:
    return bool(latest and latest.evidence_at and evidence_at and evidence_at <= latest.evidence_at)


def flapped(latest: Alert, window: timedelta | None) -> bool:
    """Cleared by itself (not by a person) within the flap window."""
    if window is None or latest.resolved_by_id or latest.resolved_at is None:
        return False
    return timezone.now() - latest.resolved_at <= window


def create(wanted: Raise) -> Alert | None:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=wanted.kind, severity=wanted.severity, device_kind=wanted.device_kind,
                device_id=wanted.device_id, key=wanted.key, active_key=wanted.key, data=wanted.data,
                evidence_at=wanted.evidence_at, help_request_id=wanted.help_request_id,
            )
    except IntegrityError:
        return None  # another worker raised it first, or the help request has its alert
    log.info("alert raised id=%s key=%s severity=%s", alert.pk, alert.key, alert.severity)
    tell_on_commit(alert.pk)
    return alert


def reopen(latest: Alert, wanted: Raise) -> Alert | None:
    """The same thing again soon after it cleared: one alert, re-opened, counted, flapping."""
    now = timezone.now()
    try:
        with transaction.atomic():
            changed = Alert.objects.filter(pk=latest.pk, active_key__isnull=True).update(
                active_key=wanted.key, state=AlertState.OPEN, occurrences=F("occurrences") + 1, flapping=True,
                resolved_at=None, resolved_by=None, acknowledged_at=None, acknowledged_by=None,
                data={**latest.data, **wanted.data}, evidence_at=wanted.evidence_at, updated_at=now,
            )
    except IntegrityError:
        return None
    if not changed:
        return None
    log.info("alert re-opened id=%s key=%s (flapping)", latest.pk, latest.key)
    tell_on_commit(latest.pk)
    return Alert.objects.get(pk=latest.pk)


def clear_alert(alert: Alert, *, evidence_at: datetime | None = None, data: dict | None = None) -> bool:
    """The condition went away: resolved by nobody. False if it was no longer active, or the
    evidence is older than the message that raised it."""
    if evidence_at and alert.evidence_at and evidence_at < alert.evidence_at:
        return False
    now = timezone.now()
    changed = Alert.objects.filter(pk=alert.pk, active_key__isnull=False).update(
        state=AlertState.RESOLVED, active_key=None, resolved_at=now, resolved_by=None,
        evidence_at=evidence_at or alert.evidence_at, data={**alert.data, **(data or {})}, updated_at=now,
    )
    if changed:
        log.info("alert cleared id=%s key=%s", alert.pk, alert.key)
        tell_on_commit(alert.pk)
    return bool(changed)


class ActiveAlerts:
    """The active alerts, read once per batch (they are few), by key and by device."""

    def __init__(self, kinds: tuple[str, ...] | None = None) -> None:
        alerts = Alert.objects.filter(active_key__isnull=False)
        if kinds:
            alerts = alerts.filter(kind__in=kinds)
        self.by_key = {a.key: a for a in alerts}
        self.by_device: dict[tuple[str, str], list[Alert]] = {}
        for alert in self.by_key.values():
            self.by_device.setdefault((alert.kind, alert.device_id), []).append(alert)

    def get(self, key: str) -> Alert | None:
        return self.by_key.get(key)

    def of(self, kind: str, device_id: str) -> list[Alert]:
        return self.by_device.get((kind, device_id), [])
