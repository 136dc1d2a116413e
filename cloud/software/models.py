"""On-prem software rollouts: an `onprem-v1` release sent to some stores, and each store's update.

The release itself is a cloud.releases Release (signed, uploaded and kept like firmware). A
rollout checks each store against the compatibility table (smartcart/compat.py) and queues
an `onprem.update` store command for the stores that pass; the store's updater then reports
its steps in `software_report` frames, kept here as StoreUpdate states.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cloud.releases.models import Release
from cloud.stores.models import Store


class Rollout(models.Model):
    """One on-prem release sent to a set of stores; finished once every store's update is final."""

    class State(models.TextChoices):
        RUNNING = "running", "running"
        PAUSED = "paused", "paused"  # reserved: nothing pauses a rollout yet
        FINISHED = "finished", "finished"
        ABORTED = "aborted", "aborted"

    OPEN = (State.RUNNING, State.PAUSED)

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="rollouts")
    stores_asked = models.JSONField(help_text='what was asked: [codes] or {"group": name}')
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"rollout {self.pk} of {self.release_id} ({self.state})"


class StoreUpdate(models.Model):
    """One store's update in a rollout, as the cloud decided it and the store last reported it."""

    class State(models.TextChoices):
        PENDING = "pending", "waiting for the store to take the command"
        SENT = "sent", "the store has the command"
        DOWNLOADING = "downloading", "downloading the release"
        INSTALLING = "installing", "installing beside the running version"
        MIGRATING = "migrating", "database backed up, migrating"
        CHECKING = "checking", "the new version started, checking its health"
        SWITCHED = "switched", "running the new version"
        ROLLED_BACK = "rolled_back", "back on the old version, database restored"
        FAILED = "failed", "failed before anything changed"
        REFUSED = "refused", "refused: it would break the store"

    FINAL = (State.SWITCHED, State.ROLLED_BACK, State.FAILED, State.REFUSED)
    # The order a store goes through: a report never moves an update backwards.
    ORDER = {state: rank for rank, state in enumerate(State.values)}

    rollout = models.ForeignKey(Rollout, on_delete=models.CASCADE, related_name="updates")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="software_updates")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    step = models.CharField(max_length=200, blank=True, help_text="the updater's own words")
    reason = models.CharField(max_length=1000, blank=True, help_text="why refused or failed")
    from_version = models.CharField(max_length=40, blank=True)
    to_version = models.CharField(max_length=40)
    command_id = models.CharField(max_length=64, blank=True, help_text="the onprem.update command")
    reported_at = models.DateTimeField(
        null=True, blank=True, help_text="the store's time of the state shown"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True, help_text="[{state, step, reason, at}]")

    class Meta:
        ordering = ["store__code"]
        constraints = [
            models.UniqueConstraint(fields=["rollout", "store"], name="store_once_per_rollout")
        ]
        indexes = [models.Index(fields=["store", "state"])]

    def __str__(self) -> str:
        return f"{self.store_id} → {self.to_version} ({self.state})"

    @property
    def final(self) -> bool:
        return self.state in self.FINAL


class RolloutAction(models.Model):
    """Audit: who started or aborted a rollout, and when the cloud saw it finish."""

    rollout = models.ForeignKey(Rollout, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=12)
    by = models.CharField(max_length=150, help_text='a username, or "cloud"')
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by}"
