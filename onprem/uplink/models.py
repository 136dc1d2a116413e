"""The store's record of the commands the cloud sent down the tunnel (docs/tunnel.md, "Commands")."""

from __future__ import annotations

from django.db import models


class ReceivedCommand(models.Model):
    """One cloud command, by the id of its frame: the cloud sends a command again until it
    hears the ack, so a repeated id is answered from this row and never run a second time
    (also after the store restarts)."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=64)
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    result = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1, help_text="times the cloud sent it")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.id} ({self.state})"
