"""Hardware commands the store sends its carts and racks, and what became of each."""

from __future__ import annotations

from django.db import models

from onprem.fleet.choices import DeviceKind

from .choices import CommandState


class Command(models.Model):
    """One command to one device. `id` is the wire id the agent acks with, so re-sending the
    same row is safe: an agent never runs an id twice (docs/protocol.md, Command)."""

    id = models.CharField(primary_key=True, max_length=64)
    kind = models.CharField(max_length=4, choices=DeviceKind.choices)
    device_id = models.CharField(max_length=64)
    command = models.CharField(max_length=32)
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=CommandState.choices, default=CommandState.QUEUED
    )
    result = models.JSONField(default=dict, blank=True)
    requested_by = models.CharField(
        max_length=200, help_text='a username, "rack:<id>" or "cloud:<user>"'
    )
    force = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The API's list: newest first, by device and/or state.
            models.Index(fields=["device_id", "-created_at"], name="command_device_recent"),
            models.Index(fields=["state", "-created_at"], name="command_state_recent"),
            # "Queued commands of device X" when it comes online, and the dispatcher's sweeps.
            models.Index(fields=["kind", "device_id", "state"], name="command_device_state"),
            models.Index(fields=["state", "expires_at"], name="command_state_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.command} -> {self.kind} {self.device_id} ({self.state})"
