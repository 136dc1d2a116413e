"""What the store keeps of its cashless terminal: each job it started, each event it received."""

from __future__ import annotations

from django.db import models


class JobKind(models.TextChoices):
    PURCHASE = "purchase"
    ACCREDIT = "accredit"


class JobState(models.TextChoices):
    PENDING = "Pending"
    CANCELLED = "Cancelled"
    SUCCESS = "Success"


class CashlessJob(models.Model):
    """A purchase or accreditation job on the terminal, and how it ended."""

    job_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobState.choices, default=JobState.PENDING)
    status_details = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    tag_nr = models.CharField(max_length=32, blank=True)
    request = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    # How we learned the final state: a pushed event or our own polling.
    finished_via = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.job_id} {self.status}"


class CashlessEvent(models.Model):
    """An event POSTed by the terminal (JobUpdate or NewTag), kept as received."""

    type = models.CharField(max_length=20)
    job_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, blank=True)
    tag_nr = models.CharField(max_length=32, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.job_id or self.tag_nr}"
