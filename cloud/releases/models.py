"""Signed firmware releases, the campaigns that roll them out, and what the stores report back.

docs/ota.md: a release is verified once on upload and kept on disk; a campaign's state goes to
each of its stores as an `ota.campaign` store command; the stores report each device's update
in `ota_report` tunnel frames, kept here as CampaignDevice and DeviceFirmware rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cloud.stores.models import Store

# The hardware the cloud rolls out to, and the kind of device that runs it.
KIND_OF_HARDWARE = {"cart-v1": "cart", "rack-v1": "rack"}
HARDWARE_OF_KIND = {kind: hardware for hardware, kind in KIND_OF_HARDWARE.items()}
# The store's own software (cloud/software): uploaded and kept like firmware, but rolled out
# by rollouts (`onprem.update`), never by device campaigns.
ONPREM_HARDWARE = "onprem-v1"
HARDWARE = (*KIND_OF_HARDWARE, ONPREM_HARDWARE)


def version_order(version: str) -> int:
    """A number that sorts like the version (each part has at most 6 digits)."""
    major, minor, patch = (int(part) for part in version.split("."))
    return (major * 1_000_000 + minor) * 1_000_000 + patch


class Release(models.Model):
    """One signed image for one hardware: its manifest as uploaded, and the artifact's file."""

    hardware = models.CharField(max_length=16, choices=[(h, h) for h in HARDWARE])
    version = models.CharField(max_length=24)
    version_order = models.BigIntegerField(help_text="sorts like the version")
    channel = models.CharField(max_length=16)
    manifest = models.JSONField(help_text="the signed manifest, exactly as uploaded")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    key_id = models.CharField(max_length=16)
    expires = models.DateTimeField()
    artifact_file = models.CharField(max_length=200, help_text="file name under RELEASES_DIR")
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["hardware", "-version_order"]
        constraints = [
            models.UniqueConstraint(fields=["hardware", "version"], name="one_release_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.hardware} {self.version}"

    @property
    def artifact_path(self) -> str:
        """Where a store downloads the artifact (the cloud's path, store key auth)."""
        return f"/api/v1/releases/{self.pk}/artifact/"


class Campaign(models.Model):
    """A release rolled out to some stores in phases, paused by failures or worse behaviour."""

    class State(models.TextChoices):
        RUNNING = "running", "running"
        WAITING_APPROVAL = "waiting_approval", "waiting for approval of the next phase"
        PAUSED = "paused", "paused"
        ABORTED = "aborted", "aborted"
        FINISHED = "finished", "finished"

    OPEN = (State.RUNNING, State.WAITING_APPROVAL, State.PAUSED)

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=100)
    stores_asked = models.JSONField(help_text='what was asked: "all", [codes] or {"group": name}')
    phases = models.JSONField(help_text='[{"carts": n} | {"percent": p}, ...], cumulative')
    max_failure_percent = models.FloatField()
    approval = models.BooleanField(default=False, help_text="ops approve each next phase")
    window = models.JSONField(null=True, blank=True, help_text='{"start","end"} or null: any time')
    observe_hours = models.PositiveIntegerField(default=24)
    max_regression_percent = models.FloatField(default=25)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    phase = models.PositiveSmallIntegerField(default=1, help_text="1-based, the current phase")
    revision = models.PositiveIntegerField(default=1, help_text="sent with every ota.campaign")
    paused_reason = models.CharField(max_length=300, blank=True)
    pause_figures = models.JSONField(default=dict, blank=True, help_text="what tripped the pause")
    behaviour = models.JSONField(default=dict, blank=True, help_text="updated vs control figures")
    # Failures before the last resume were seen by ops when they resumed: the threshold counts
    # only those after it, and a behaviour pause they resumed re-trips only if it gets worse.
    counted_since = models.DateTimeField(default=timezone.now)
    accepted_regression_percent = models.FloatField(default=0)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class CampaignStore(models.Model):
    """A store in a campaign: its window, and its last figures (carts, behaviour)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stores")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="campaigns")
    window = models.JSONField(null=True, blank=True, help_text="replaces the campaign's window")
    carts_total = models.PositiveIntegerField(null=True, blank=True, help_text="as last reported")
    behaviour = models.JSONField(default=dict, blank=True, help_text="as last reported")
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["store__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "store"], name="store_once_per_campaign")
        ]


class CampaignDevice(models.Model):
    """One device's update as its store last reported it (campaign null: a technician's)."""

    FINAL = ("succeeded", "failed", "rolled_back", "cancelled")
    FAILED = ("failed", "rolled_back")

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="devices"
    )
    release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="device_updates")
    device = models.CharField(max_length=64)
    kind = models.CharField(max_length=8)
    phase = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    waiting_reason = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    from_version = models.CharField(max_length=24, blank=True)
    to_version = models.CharField(max_length=24)
    requested_by = models.CharField(max_length=160, blank=True)
    updated_at = models.DateTimeField(help_text="the store's time of the last change")
    received_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="when the cloud first saw it in a final state"
    )

    class Meta:
        ordering = ["store__code", "device", "-updated_at"]
        indexes = [
            models.Index(fields=["campaign", "state"]),
            models.Index(fields=["store", "device", "to_version"]),
        ]

    def __str__(self) -> str:
        return f"{self.device} → {self.to_version} ({self.state})"


class CampaignAction(models.Model):
    """Audit: who started, paused, resumed, aborted, approved a campaign (or the cloud itself)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=20)
    by = models.CharField(max_length=150, help_text='a username, or "cloud" for its own decisions')
    at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by}"


class DeviceFirmware(models.Model):
    """The version a store last reported for one of its devices."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="firmware")
    device = models.CharField(max_length=64)
    kind = models.CharField(max_length=8)
    version = models.CharField(max_length=24)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["store__code", "device"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "kind", "device"], name="one_firmware_per_device"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device}@{self.store_id}: {self.version}"
