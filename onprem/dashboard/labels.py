"""The live page's words, translated on the server and handed to live.js (no English in JS)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def live_labels() -> dict[str, str]:
    return {
        "charging": _("charging"), "docked": _("docked"), "empty": _("empty"),
        "in_session": _("in session"), "idle": _("idle"), "offline": _("offline"),
        "online": _("online"), "last_seen": _("last seen"), "never": _("never"),
        "slot": _("slot"), "no_carts": _("No carts on the floor."), "no_alerts": _("No active alerts."),
        "acknowledge": _("Acknowledge"), "resolve": _("Resolve"),
        "acknowledged_by": _("acknowledged by"), "flapping": _("flapping"),
        "times": _("times"), "live": _("Live"), "reconnecting": _("Reconnecting…"),
        "health_ok": _("ok"), "health_warn": _("warning"), "health_fault": _("fault"),
        "health_unknown": _("unknown"), "help": _("Help request"),
        "action_failed": _("That did not work: "),
    }
