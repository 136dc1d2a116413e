"""Where ops hear about incidents: channels (email, webhook, Slack) and the outbox of notices.

A Notice row is written when an incident event is announced and sent later by deliver_due
(services.py), so a channel that is down costs a retry, never a lost notice or a stalled sweep.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cloud.incidents.models import Incident, Severity
from cloud.stores.models import StoreGroup


def new_secret() -> str:
    return secrets.token_hex(32)


class Channel(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("email")
        WEBHOOK = "webhook", _("webhook")
        SLACK = "slack", _("Slack-compatible webhook")

    class Status(models.TextChoices):
        OK = "ok", _("ok")
        FAILING = "failing", _("failing")

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    target = models.CharField(max_length=500, help_text="email address(es) or the webhook URL")
    # Signs webhook bodies (X-SmartCart-Signature); shown once, when set (docs: "Decisions").
    secret = models.CharField(max_length=128, default=new_secret)
    store_groups = models.ManyToManyField(
        StoreGroup, blank=True, related_name="notification_channels", help_text="none: every store"
    )
    min_severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.INFO)
    enabled = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OK)
    last_error = models.TextField(blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Notice(models.Model):
    """One event for one channel; `key` makes announcing the same event twice a no-op."""

    class Event(models.TextChoices):
        OPENED = "opened", _("opened")
        RESOLVED = "resolved", _("resolved")
        REMINDER = "reminder", _("reminder")
        FLAPPING = "flapping", _("flapping")
        TEST = "test", _("test")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="notices")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    event = models.CharField(max_length=10, choices=Event.choices)
    # "<incident>:<event>[:<n>]" or "test:<random>": one notice per channel and key.
    key = models.CharField(max_length=80)
    # The incident as it was when the event happened: a retry sends the same facts.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set by the claiming UPDATE; a sender that dies leaves the notice due again after a lease.
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="one_notice_per_channel_event")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.key} ({self.state})"
