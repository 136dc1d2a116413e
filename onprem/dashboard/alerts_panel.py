"""The alerts the dashboard shows, through the alerts app's services (onprem/alerts)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

ACTIVE_SHOWN = 200


class ActionRefused(ValueError):
    """The alerts app would not do it (e.g. acknowledging a resolved alert): says why."""  # a panel, not an archive: the alerts page lists the rest


def active_summaries() -> list[dict]:
    """alert_summary of the active alerts (help requests first), in the active language."""
    from onprem.alerts import services

    return [services.alert_summary(alert) for alert in services.active_alerts()[:ACTIVE_SHOWN]]


def recent_resolved(limit: int = 100) -> list[dict]:
    from onprem.alerts import services
    from onprem.alerts.models import Alert

    resolved = Alert.objects.filter(state="resolved").order_by("-resolved_at", "-id")[:limit]
    return [services.alert_summary(alert) for alert in resolved]


def summary_of(alert_id: int) -> dict | None:
    from onprem.alerts import services
    from onprem.alerts.models import Alert

    alert = Alert.objects.filter(pk=alert_id).first()
    return services.alert_summary(alert) if alert else None


def act_on(alert_id: int, action: str, user) -> dict:
    """Acknowledge or resolve one alert as `user` (the alerts app records who and when)."""
    from onprem.alerts import services
    from onprem.alerts.models import Alert

    alert = get_object_or_404(Alert, pk=alert_id)
    try:
        {"acknowledge": services.acknowledge, "resolve": services.resolve}[action](alert, user)
    except services.AlertRefused as exc:
        raise ActionRefused(str(exc)) from None
    alert.refresh_from_db()
    return services.alert_summary(alert)
