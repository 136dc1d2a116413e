"""The live page's words, translated on the server and handed to live.js (no English in JS)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A command's and a shopping session's state as the cart page shows them. The domain apps'
# choices carry untranslated labels (giving them gettext labels would change their fields).
COMMAND_STATES = {
    "queued": gettext_lazy("queued"), "sent": gettext_lazy("sent"), "accepted": gettext_lazy("accepted"),
    "done": gettext_lazy("done"), "failed": gettext_lazy("failed"), "rejected": gettext_lazy("rejected"),
    "expired": gettext_lazy("expired"),
}
SESSION_STATES = {
    "active": gettext_lazy("shopping"), "paying": gettext_lazy("paying"), "paid": gettext_lazy("paid"),
    "abandoned": gettext_lazy("abandoned"),
}


def with_state_labels(rows, labels: dict) -> list:
    """`rows` with `state_label`: the state in the active language (the raw state if unknown)."""
    rows = list(rows)
    for row in rows:
        row.state_label = labels.get(row.state, row.state)
    return rows


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
