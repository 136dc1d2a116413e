"""Help requests as alerts: one alert per request, kept in step with it both ways.

Shopping tells (onprem.shopping.help.help_requests_changed, after commit) whenever requests
are made, acknowledged or resolved, from the app, the cart's button (inside ingest's batch)
or a session ending; the alert follows. Acknowledging or resolving the alert goes through
shopping's own verbs (services.py), whose signal then finds the alert already in step.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from onprem.shopping.choices import HelpState
from onprem.shopping.models import HelpRequest

from .choices import AlertKind, AlertState, Severity
from .lifecycle import Raise, raise_alert
from .models import Alert
from .signals import tell_on_commit
from .thresholds import store_rule

log = logging.getLogger(__name__)


def sync_help_alerts(*, help_request_ids) -> None:
    """Bring the alerts of these help requests in step with them (raise, acknowledge,
    resolve); one that fails is logged and the others go on."""
    requests = HelpRequest.objects.filter(pk__in=list(help_request_ids)).select_related("cart")
    enabled = store_rule().help_enabled
    for request in requests:
        try:
            sync_one(request, enabled=enabled)
        except Exception:  # noqa: BLE001 - one request's alert must not cost the others'
            log.exception("help alert for request %s could not be synced", request.pk)


def sync_one(request: HelpRequest, *, enabled: bool) -> None:
    alert = Alert.objects.filter(help_request=request).first()
    if alert is None and request.state != HelpState.RESOLVED and enabled:
        alert = raise_alert(help_raise(request))
    if alert is None:
        return
    if request.state == HelpState.ACKNOWLEDGED and alert.state == AlertState.OPEN:
        follow(alert, state=AlertState.ACKNOWLEDGED, acknowledged_by_id=request.acknowledged_by_id,
               acknowledged_at=request.acknowledged_at)
    elif request.state == HelpState.RESOLVED and alert.active:
        follow(alert, state=AlertState.RESOLVED, active_key=None, resolved_by_id=request.resolved_by_id,
               resolved_at=request.resolved_at)


def help_raise(request: HelpRequest) -> Raise:
    device = request.cart.device_id if request.cart else ""
    return Raise(AlertKind.HELP, Severity.CRITICAL, "cart" if device else "", device, detail=str(request.pk),
                 data={"source": request.source, "reason": request.reason,
                       "session": str(request.session_id) if request.session_id else None},
                 help_request_id=request.pk)


def follow(alert: Alert, **fields) -> None:
    """Copy the request's state onto the alert, unless someone moved it on meanwhile."""
    changed = Alert.objects.filter(pk=alert.pk, state=alert.state).update(**fields, updated_at=timezone.now())
    if changed:
        log.info("help alert id=%s now %s", alert.pk, fields["state"])
        tell_on_commit(alert.pk)
