"""What an alert is about, how urgent it is, and where it stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    HELP = "help", _("Help requested")
    OFFLINE = "offline", _("Offline")
    FAULT = "fault", _("Fault")
    LOW_BATTERY = "low_battery", _("Low battery")
    SLOT_NOT_CHARGING = "slot_not_charging", _("Slot not charging")
    NOT_DOCKED = "not_docked", _("Not back in a rack at closing")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


# Lower sorts first (active_alerts): the database orders by this, not by the label.
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
