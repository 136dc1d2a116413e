"""The cloud's command outbox: what ops asked a store to do, and what the store answered."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cloud.stores.models import Store
from smartcart.tunnel_frames import new_id


class StoreCommand(models.Model):
    """One store command; its id is the id of the `command` frame, so a resend is the same
    command to the store (it answers a repeated id from its own record, never runs it twice)."""

    class State(models.TextChoices):
        PENDING = "pending", "waiting for the store to connect"
        SENT = "sent", "sent down the tunnel, no answer yet"
        DONE = "done", "the store ran it"
        FAILED = "failed", "the store refused it or it failed"
        EXPIRED = "expired", "not answered before it expired"

    OPEN = (State.PENDING, State.SENT)

    id = models.CharField(primary_key=True, max_length=64, default=new_id, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="commands")
    name = models.CharField(max_length=64)
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    result = models.JSONField(default=dict, blank=True)
    requested_by = models.CharField(max_length=160)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="last time it was sent")
    acked_at = models.DateTimeField(null=True, blank=True, help_text="when the store's ack came")
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="not sent, nor run by the store, after this")
    attempts = models.PositiveIntegerField(default=0, help_text="times sent down the tunnel")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "state"]),
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["store", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.store_id} ({self.state})"
