"""Devices going offline and coming back: the offline alert and its flap guard.

A device's Last Will (status `offline`) reaches ingest when the broker gives up on it: at once
when its connection drops, within 1.5 x its keepalive when it goes silent. The alert is raised
on that status straight away, and by the silent-device sweep for a device that went quiet
without one. It clears when the device speaks again (an `online` status, or telemetry taken
after it went offline).

Flap guard: a device back offline within the store's flap window after its alert cleared
re-opens that same alert (occurrences + 1, flapping) instead of raising another, so a cart
with a loose antenna is one line on the dashboard, not twenty.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from onprem.fleet.models import Cart, Rack

from .choices import AlertKind, Severity
from .lifecycle import ActiveAlerts, Raise, alert_key, clear_alert, raise_alert
from .models import Alert, AlertRule

MODELS = {"cart": Cart, "rack": Rack}


def check_statuses(statuses: list, rule: AlertRule, active: ActiveAlerts) -> None:
    """The last status of each device in the batch decides (a flap inside one batch is one)."""
    last: dict[tuple[str, str], tuple] = {}
    for where, status, received_at in statuses:
        last[(where.kind, where.device)] = (status, received_at)
    gone = [key for key, (status, _) in last.items() if status.state == "offline"]
    still_offline = offline_now(gone)
    for (kind, device), (status, received_at) in last.items():
        if status.state == "online":
            came_back(kind, device, received_at, active, by="status")
        elif (kind, device) in still_offline and not replayed(device, status.boot_id):
            went_offline(kind, device, rule, evidence_at=received_at, data={"boot_id": status.boot_id})


def replayed(device: str, boot_id: str) -> bool:
    """Is this the Last Will an alert staff resolved by hand was raised on, read again? The
    broker re-sends a device's retained status to ingest at every subscribe; while the device
    has not come back since (came_back marks that), it is not news."""
    latest = Alert.objects.filter(key=alert_key(AlertKind.OFFLINE, device)).order_by("-id").first()
    return bool(latest and not latest.active and latest.resolved_by_id
                and latest.data.get("boot_id") == boot_id and not latest.data.get("back_at"))


def offline_now(devices: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these devices the fleet holds offline now: a Last Will from an earlier boot
    left the device online (fleet.ingest.update_online), and raises nothing here either."""
    found = set()
    for kind, model in MODELS.items():
        ids = [d for k, d in devices if k == kind]
        if ids:
            found |= {(kind, d) for d in model.objects.filter(device_id__in=ids, online=False)
                      .values_list("device_id", flat=True)}
    return found


def went_offline(kind: str, device: str, rule: AlertRule, *, evidence_at: datetime, data: dict) -> None:
    raise_alert(Raise(AlertKind.OFFLINE, Severity.WARNING, kind, device, evidence_at=evidence_at, data=data,
                      flap_window=timedelta(minutes=rule.flap_window_minutes)))


def came_back(kind: str, device: str, at: datetime, active: ActiveAlerts, *, by: str) -> None:
    alert = active.get(alert_key(AlertKind.OFFLINE, device))
    if alert is not None:
        clear_alert(alert, evidence_at=at, data={"back_by": by})
    elif by == "status":
        mark_back(device, at)


def mark_back(device: str, at: datetime) -> None:
    """The device is back after staff resolved its offline alert by hand: its next Last Will
    is news again (see replayed). One query per connect, and connects are rare."""
    latest = Alert.objects.filter(key=alert_key(AlertKind.OFFLINE, device), resolved_by__isnull=False
                                  ).order_by("-id").first()
    if latest is not None and not latest.active and not latest.data.get("back_at"):
        Alert.objects.filter(pk=latest.pk).update(data={**latest.data, "back_at": at.isoformat()})


def check_telemetry(newest_carts: dict, newest_racks: dict, active: ActiveAlerts) -> None:
    """Telemetry taken after a device's offline alert was raised means it is back."""
    for device, item in newest_carts.items():
        if active.get(alert_key(AlertKind.OFFLINE, device)):
            came_back("cart", device, item.at, active, by="telemetry")
    for device, (row, _) in newest_racks.items():
        if active.get(alert_key(AlertKind.OFFLINE, device)):
            came_back("rack", device, min(row.ts, row.received_at), active, by="telemetry")


def check_silent(racks: list[str], carts: list[str], rule: AlertRule) -> None:
    """Devices the silent sweep just marked offline (they went quiet without a Last Will)."""
    now = timezone.now()
    for kind, devices in (("rack", racks), ("cart", carts)):
        for device in devices:
            went_offline(kind, device, rule, evidence_at=now, data={"silent": True})
