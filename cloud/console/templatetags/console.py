"""Words and figures the console's templates show for codes (a health, a severity, a state):
translated here so every page says them the same way."""

from __future__ import annotations

import json

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()
MAX_ANSWER = 4000


# The English words, marked for makemessages; gettext runs per use (the active language).
LABELS = {
    "critical": gettext_noop("critical"),
    "warning": gettext_noop("warning"),
    "info": gettext_noop("info"),
    "offline": gettext_noop("offline"),
    "degraded": gettext_noop("degraded"),
    "ok": gettext_noop("ok"),
    "open": gettext_noop("open"),
    "resolved": gettext_noop("resolved"),
    "pending": gettext_noop("pending"),
    "sent": gettext_noop("sent"),
    "done": gettext_noop("done"),
    "failed": gettext_noop("failed"),
    "expired": gettext_noop("expired"),
    "failing": gettext_noop("failing"),
    "running": gettext_noop("running"),
    "paused": gettext_noop("paused"),
    "finished": gettext_noop("finished"),
    "aborted": gettext_noop("aborted"),
    "downloading": gettext_noop("downloading"),
    "installing": gettext_noop("installing"),
    "migrating": gettext_noop("migrating"),
    "checking": gettext_noop("checking"),
    "switched": gettext_noop("switched"),
    "rolled_back": gettext_noop("rolled back"),
    "refused": gettext_noop("refused"),
    "opened": gettext_noop("opened"),
    "bad": gettext_noop("bad again"),
    "good": gettext_noop("good again"),
    "reminder": gettext_noop("reminder"),
    "flapping": gettext_noop("flapping"),
    "test": gettext_noop("test"),
}


def labels() -> dict:
    """Every code's word in the active language (the store page's polled commands use it)."""
    return {code: _(word) for code, word in LABELS.items()}


@register.simple_tag
def health_label(code: str) -> str:
    return _(LABELS[code]) if code in LABELS else code


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
