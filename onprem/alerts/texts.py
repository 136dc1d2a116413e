"""What an alert says to a person, in the active language (Django i18n)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import AlertKind
from .models import Alert


def title_of(alert: Alert) -> str:
    device = alert.device_id
    titles = {
        AlertKind.HELP: lambda: _("Help requested at %(device)s") % {"device": device} if device
        else _("Help requested"),
        AlertKind.OFFLINE: lambda: _("%(device)s is offline") % {"device": device},
        AlertKind.FAULT: lambda: _("Fault %(code)s on %(device)s") % {"code": alert.data.get("code", "?"),
                                                                      "device": device},
        AlertKind.LOW_BATTERY: lambda: _("Low battery on %(device)s") % {"device": device},
        AlertKind.SLOT_NOT_CHARGING: lambda: _("Slot %(slot)s of %(device)s is not charging")
        % {"slot": alert.data.get("slot", "?"), "device": device},
        AlertKind.NOT_DOCKED: lambda: _("%(device)s is not back in a rack") % {"device": device},
    }
    return titles.get(alert.kind, lambda: device)()


def detail_of(alert: Alert) -> str:
    data = alert.data
    if alert.kind == AlertKind.HELP:
        return data.get("reason") or ""
    if alert.kind == AlertKind.OFFLINE:
        return flap_text(alert) or (_("No word from it since the silent-device sweep") if data.get("silent")
                                    else _("Its connection to the store's broker was lost"))
    if alert.kind == AlertKind.FAULT:
        return _("The device reports health %(health)s") % {"health": data.get("health", "?")}
    if alert.kind == AlertKind.LOW_BATTERY:
        return _("Battery at %(soc).0f%% while in use (alert below %(threshold)s%%)") % {
            "soc": data.get("soc", 0), "threshold": data.get("threshold", "?")}
    if alert.kind == AlertKind.SLOT_NOT_CHARGING:
        return _("Cart %(cart)s draws %(current).2f A") % {"cart": data.get("cart", "?"),
                                                          "current": data.get("current", 0)}
    if alert.kind == AlertKind.NOT_DOCKED:
        return _("Closing time was %(time)s") % {"time": data.get("closing_time", "?")}
    return ""


def flap_text(alert: Alert) -> str:
    if not alert.flapping:
        return ""
    return _("Flapping: went offline %(count)d times in a short while") % {"count": alert.occurrences}
