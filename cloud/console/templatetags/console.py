"""Words and figures the console's templates show for codes (a health, a severity, a state):
translated here so every page says them the same way."""

from __future__ import annotations

import json

from django import template
from django.utils.translation import gettext as _

register = template.Library()
MAX_ANSWER = 4000


def labels() -> dict:
    return {
        "critical": _("critical"),
        "warning": _("warning"),
        "info": _("info"),
        "offline": _("offline"),
        "degraded": _("degraded"),
        "ok": _("ok"),
        "open": _("open"),
        "resolved": _("resolved"),
        "pending": _("pending"),
        "sent": _("sent"),
        "done": _("done"),
        "failed": _("failed"),
        "expired": _("expired"),
        "failing": _("failing"),
        "running": _("running"),
        "paused": _("paused"),
        "finished": _("finished"),
        "aborted": _("aborted"),
        "downloading": _("downloading"),
        "installing": _("installing"),
        "migrating": _("migrating"),
        "checking": _("checking"),
        "switched": _("switched"),
        "rolled_back": _("rolled back"),
        "refused": _("refused"),
        "opened": _("opened"),
        "bad": _("bad again"),
        "good": _("good again"),
        "reminder": _("reminder"),
        "flapping": _("flapping"),
        "test": _("test"),
    }


@register.simple_tag
def health_label(code: str) -> str:
    return labels().get(code, code)


# The same words; three names so a template says what kind of code it shows.
severity_label = register.simple_tag(health_label, name="severity_label")
status_label = register.simple_tag(health_label, name="status_label")
state_label = register.simple_tag(health_label, name="state_label")


@register.filter
def heartbeat_age(row, now):
    return row.heartbeat_age(now)


@register.filter
def seconds_since(moment, now):
    if moment is None:
        return None
    return max(0, int((now - moment).total_seconds()))


@register.filter
def pretty_json(value) -> str:
    """A command's answer, indented and cut to what a table cell can hold."""
    text = json.dumps(value, indent=2, sort_keys=True, default=str)
    return text if len(text) <= MAX_ANSWER else text[:MAX_ANSWER] + "\n…"
