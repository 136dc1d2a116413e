"""A store's problems as ops see them: one incident per store and problem, opened and resolved.

What opens and resolves them (grace, flap guard) is services.py; what counts as a problem is
detectors.py. Notifications (cloud/notifications) follow an incident's events.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cloud.stores.models import Store


class Severity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    WARNING = "warning", _("warning")
    INFO = "info", _("info")


# Lowest first: a channel routed at "warning" gets warning and critical.
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Incident(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="incidents")
    # "component:<name>" (database, cache, broker, ingest, erp, cashless, disk, uplink) or
    # "fleet:<condition>" (ingest_lag, carts_offline, faults, dead_letters, disk_filling).
    problem = models.CharField(max_length=64)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    flapping = models.BooleanField(default=False)
    flips = models.PositiveIntegerField(default=0, help_text="bad/good changes while open")
    last_bad_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "problem"],
                condition=Q(state="open"),
                name="one_open_incident_per_store_problem",
            )
        ]
        indexes = [
            models.Index(fields=["state", "severity"]),
            models.Index(fields=["store", "opened_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.problem} ({self.state})"


class ProblemState(models.Model):
    """Where one (store, problem) stands between sweeps: what the grace and flap guard remember.

    A missing row means "ok, never seen bad": rows are written only when something changes, so
    a sweep over a healthy fleet writes nothing.
    """

    class Status(models.TextChoices):
        OK = "ok", _("ok")
        PENDING = "pending", _("bad, within its grace period")
        OPEN = "open", _("incident open")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="problem_states")
    problem = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OK)
    bad_since = models.DateTimeField(null=True, blank=True, help_text="bad now, since then")
    good_since = models.DateTimeField(null=True, blank=True, help_text="good now, since then")
    onsets = models.JSONField(
        default=list, blank=True, help_text="times it went bad within the flap window (ISO 8601)"
    )
    # fleet:dead_letters only: [[iso time, ingest dead_total], ...] over the growth window.
    samples = models.JSONField(default=list, blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store", "problem"]
        constraints = [
            models.UniqueConstraint(fields=["store", "problem"], name="one_state_per_store_problem")
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.problem} {self.status}"


class IncidentEvent(models.Model):
    """One line of an incident's history: opened, each bad/good flip, flapping, resolved."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        BAD = "bad", _("bad again")
        GOOD = "good", _("good again")
        FLAPPING = "flapping", _("flapping")
        RESOLVED = "resolved", _("resolved")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%H:%M:%S}"
