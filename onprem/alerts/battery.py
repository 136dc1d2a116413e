"""Rules on what carts and racks say of themselves: low battery while in use, fault codes."""

from __future__ import annotations

from onprem.fleet.models import Cart

from .choices import AlertKind, Severity
from .lifecycle import ActiveAlerts, Raise, alert_key, clear_alert, raise_alert
from .models import AlertRule


def check_low_battery(newest: dict, rule: AlertRule, active: ActiveAlerts) -> None:
    """A cart in use (out of its rack, or in a shopper's session) and not charging raises an
    alert below the threshold; it clears when the cart charges, docks, or is back above the
    threshold plus the hysteresis (so a battery hovering at the threshold does not flap)."""
    docked_low = [d for d, item in newest.items() if item.reading.dock and below(item, rule.low_battery_percent)]
    in_session = set(Cart.objects.filter(device_id__in=docked_low, in_session=True)
                     .values_list("device_id", flat=True)) if docked_low else set()
    for device, item in newest.items():
        battery = item.reading.battery
        in_use = (item.reading.dock is None or device in in_session) and not battery.charging
        alert = active.get(alert_key(AlertKind.LOW_BATTERY, device))
        if alert and (not in_use or battery.soc >= rule.low_battery_percent + rule.low_battery_hysteresis):
            clear_alert(alert, evidence_at=item.at, data={"soc": battery.soc})
        elif alert is None and in_use and battery.soc < rule.low_battery_percent:
            raise_alert(Raise(AlertKind.LOW_BATTERY, Severity.WARNING, "cart", device, evidence_at=item.at,
                              data={"soc": battery.soc, "threshold": rule.low_battery_percent}))


def below(item, percent: int) -> bool:
    return item.reading.battery.soc < percent and not item.reading.battery.charging


def check_faults(kind: str, device: str, health, at, active: ActiveAlerts) -> None:
    """One alert per device and fault code while the device reports it; cleared when a
    reading no longer lists the code."""
    reported = set(health.faults)
    for alert in active.of(AlertKind.FAULT, device):
        if alert.data.get("code") not in reported:
            clear_alert(alert, evidence_at=at)
    known = {a.data.get("code") for a in active.of(AlertKind.FAULT, device)}
    severity = Severity.CRITICAL if health.state == "fault" else Severity.WARNING
    for code in sorted(reported - known):
        raise_alert(Raise(AlertKind.FAULT, severity, kind, device, detail=code, evidence_at=at,
                          data={"code": code, "health": health.state}))


def check_cart_faults(newest: dict, active: ActiveAlerts) -> None:
    for device, item in newest.items():
        if item.reading.health.faults or active.of(AlertKind.FAULT, device):
            check_faults("cart", device, item.reading.health, item.at, active)


def check_rack_faults(newest_racks: dict, active: ActiveAlerts) -> None:
    for device, (row, reading) in newest_racks.items():
        if reading.health.faults or active.of(AlertKind.FAULT, device):
            check_faults("rack", device, reading.health, min(row.ts, row.received_at), active)
