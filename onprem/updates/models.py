"""Releases the store knows, the cloud's campaigns as this store sees them, and update jobs.

An UpdateJob is one device's way to one release; its state moves only through
machine.move (choices.TRANSITIONS), and every move is a JobTransition with its reason and who
made it. `revision` counts the job's changes and `reported_revision` the last one the cloud
acknowledged: the uplink sends the jobs where they differ (report.py).
"""

from __future__ import annotations

import uuid

from django.db import models

from .choices import ArtifactState, CampaignState, JobKind, JobState


def new_job_id() -> str:
    # Text and unique across store databases: the agent remembers job ids across restarts.
    return f"j-{uuid.uuid4().hex[:20]}"


class Release(models.Model):
    hardware = models.CharField(max_length=16)
    version = models.CharField(max_length=32)
    channel = models.CharField(max_length=16)
    manifest = models.JSONField(help_text="the signed manifest, as the cloud sent it")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    expires = models.DateTimeField()
    cloud_release = models.IntegerField(null=True, blank=True, unique=True)
    artifact_path = models.CharField(max_length=200, blank=True, help_text="path on the cloud")
    artifact_state = models.CharField(
        max_length=12, choices=ArtifactState.choices, default=ArtifactState.MISSING
    )
    artifact_bytes = models.BigIntegerField(default=0, help_text="bytes held in the cache")
    fetched_bytes = models.BigIntegerField(default=0, help_text="bytes fetched from the cloud")
    fetch_attempts = models.PositiveIntegerField(default=0)
    fetch_error = models.TextField(blank=True, help_text="the last failed fetch, retried")
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    refused_reason = models.TextField(blank=True, help_text='"code: sentence"')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hardware", "version"], name="release_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.hardware} {self.version}"


class Campaign(models.Model):
    """The newest revision of a cloud campaign this store has heard (ota.campaign)."""

    cloud_campaign = models.IntegerField(unique=True)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="campaigns")
    state = models.CharField(max_length=16, choices=CampaignState.choices)
    revision = models.PositiveIntegerField()
    phase = models.PositiveSmallIntegerField(default=1)
    target = models.JSONField(help_text='cumulative: {"carts": n} or {"percent": p}')
    window = models.JSONField(null=True, blank=True, help_text='{"start","end"} or null')
    observe_hours = models.PositiveIntegerField(default=24)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-cloud_campaign"]

    def __str__(self) -> str:
        return f"campaign {self.cloud_campaign} r{self.revision} ({self.state})"


class UpdateJob(models.Model):
    id = models.CharField(primary_key=True, max_length=24, default=new_job_id, editable=False)
    kind = models.CharField(max_length=4, choices=JobKind.choices)
    device_id = models.CharField(max_length=64)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="jobs")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    phase = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.CharField(max_length=200)
    override_window = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.WAITING)
    waiting_reason = models.TextField(blank=True, help_text='"code: sentence" while waiting')
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    from_version = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=64, blank=True, help_text="failed / rolled back: why")
    detail = models.TextField(blank=True)
    command_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    reported_revision = models.PositiveIntegerField(default=0)
    # "kind:device" while the job is open, NULL once final: the database itself refuses a
    # second open job for a device (NULLs never collide; MariaDB has no partial index).
    open_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="updatejob_state"),
            models.Index(fields=["device_id", "-created_at"], name="updatejob_device"),
            models.Index(fields=["campaign", "state"], name="updatejob_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.kind} {self.device_id} -> {self.release.version} ({self.state})"

    @property
    def waiting_code(self) -> str:
        return self.waiting_reason.split(":", 1)[0]


class JobTransition(models.Model):
    job = models.ForeignKey(UpdateJob, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, blank=True)  # "" for the job's creation
    to_state = models.CharField(max_length=12)
    reason = models.TextField(blank=True)
    by = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.job_id} {self.from_state or '-'} -> {self.to_state} by {self.by}"
