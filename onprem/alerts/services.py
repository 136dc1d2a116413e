"""Verbs of alerts for people (the dashboard, the API, the admin): acknowledge, resolve, the
list staff see, and an alert as the dashboard shows it. Rules raise and clear alerts in
lifecycle.py; a help alert is acknowledged and resolved through shopping's own verbs, so the
shopper's app and the staff's help list tell the same story."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from onprem.shopping import help as shopping_help

from .choices import ACTIVE_STATES, SEVERITY_RANK, AlertKind, AlertState
from .models import Alert
from .signals import tell_on_commit
from .texts import detail_of, title_of

log = logging.getLogger(__name__)


class AlertRefused(Exception):
    """What a person asked cannot be done to this alert (API 409); the message says why."""


def acknowledge(alert: Alert, user) -> Alert:
    """Someone is on it: records who and when. Acknowledging an acknowledged alert changes
    nothing; a resolved one cannot be acknowledged."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.state == AlertState.RESOLVED:
            raise AlertRefused(_("this alert is already resolved"))
        if alert.help_request_id:
            acknowledge_help(alert, user)
        if alert.state == AlertState.OPEN:
            now = timezone.now()
            alert.state, alert.acknowledged_by, alert.acknowledged_at = AlertState.ACKNOWLEDGED, user, now
            alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "updated_at"])
            log.info("alert acknowledged id=%s by=%s", alert.pk, user.get_username())
            tell_on_commit(alert.pk)
    return alert


def acknowledge_help(alert: Alert, user) -> None:
    try:
        shopping_help.acknowledge(help_request=alert.help_request, staff_user=user)
    except shopping_help.HelpRefused as exc:
        raise AlertRefused(str(exc)) from None


def resolve(alert: Alert, user) -> Alert:
    """Done with: records who and when; the alert leaves the active list. A rule raises a new
    alert if its condition comes back. Resolving a resolved alert changes nothing."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.state == AlertState.RESOLVED:
            return alert
        if alert.help_request_id:
            shopping_help.resolve(help_request=alert.help_request, staff_user=user)
        alert.state, alert.active_key = AlertState.RESOLVED, None
        alert.resolved_by, alert.resolved_at = user, timezone.now()
        alert.save(update_fields=["state", "active_key", "resolved_by", "resolved_at", "updated_at"])
        log.info("alert resolved id=%s by=%s", alert.pk, user.get_username())
        tell_on_commit(alert.pk)
    return alert


def staff_order() -> list:
    """Unacknowledged help requests first, then the rest by severity, newest first."""
    help_waiting = Case(When(Q(kind=AlertKind.HELP, state=AlertState.OPEN), then=Value(0)), default=Value(1),
                        output_field=IntegerField())
    severity = Case(*[When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()],
                    default=Value(9), output_field=IntegerField())
    return [help_waiting.asc(), severity.asc(), "-raised_at", "-id"]


def active_alerts() -> QuerySet[Alert]:
    """Open and acknowledged alerts as staff see them (see staff_order)."""
    return (Alert.objects.filter(state__in=ACTIVE_STATES).select_related("acknowledged_by")
            .order_by(*staff_order()))


def alerts_for_staff(*, state: str | None = None, kind: str | None = None, device: str | None = None
                     ) -> QuerySet[Alert]:
    """Every alert, active ones first (in staff order), then resolved ones newest first."""
    alerts = Alert.objects.select_related("acknowledged_by", "resolved_by")
    if state:
        alerts = alerts.filter(state=state)
    if kind:
        alerts = alerts.filter(kind=kind)
    if device:
        alerts = alerts.filter(device_id=device)
    resolved_last = Case(When(state=AlertState.RESOLVED, then=Value(1)), default=Value(0),
                         output_field=IntegerField())
    return alerts.order_by(resolved_last.asc(), *staff_order())


def who(user) -> str | None:
    if user is None:
        return None
    return user.first_name.strip() or user.get_username()


def iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def alert_summary(alert: Alert) -> dict:
    """The alert as the dashboard shows it (JSON-safe; title and detail in the active language)."""
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "severity": alert.severity,
        "state": alert.state,
        "device_id": alert.device_id,
        "title": title_of(alert),
        "detail": detail_of(alert),
        "raised_at": iso(alert.raised_at),
        "flapping": alert.flapping,
        "occurrences": alert.occurrences,
        "acknowledged_by": who(alert.acknowledged_by),
        "acknowledged_at": iso(alert.acknowledged_at),
        "resolved_at": iso(alert.resolved_at),
        "is_help": alert.kind == AlertKind.HELP,
    }
