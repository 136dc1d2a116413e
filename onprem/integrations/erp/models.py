"""What the ERP connector remembers: sync cursors and runs, and every order it posted."""

from __future__ import annotations

from django.db import models


class SyncKind(models.TextChoices):
    PRODUCTS = "products"
    STOCK = "stock"


class SyncState(models.Model):
    """Where the next incremental sync of one kind starts: the newest ERP change seen."""

    kind = models.CharField(max_length=16, choices=SyncKind.choices, unique=True)
    cursor = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} since {self.cursor}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        OK = "ok"
        FAILED = "failed"

    kind = models.CharField(max_length=16, choices=SyncKind.choices)
    full = models.BooleanField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(
        default=list, blank=True, help_text="the first records skipped, with the reason"
    )
    error = models.TextField(blank=True)
    transient = models.BooleanField(
        default=False, help_text="the error may go away by itself (retried)"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"])]


class ErpOrder(models.Model):
    """One SmartCart order on its way into the ERP. `order_id` unique: posted at most once."""

    class State(models.TextChoices):
        PENDING = "pending"
        POSTED = "posted"
        FAILED = "failed"

    order_id = models.CharField(max_length=64, unique=True, help_text="SmartCart's order id")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    lines = models.JSONField(help_text="[{code, quantity, unit_price}] as posted")
    customer = models.JSONField(null=True, blank=True)
    attempts = models.PositiveIntegerField(
        default=0, help_text="POSTs sent; >0 means the ERP may have one"
    )
    last_error = models.TextField(blank=True)
    erp_ref = models.CharField(max_length=64, blank=True, help_text="the ERP's order number")
    erp_status = models.CharField(max_length=32, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    invoice_number = models.CharField(max_length=64, blank=True)
    invoice_key = models.CharField(max_length=64, blank=True)
    invoice_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    invoice_issued_at = models.DateTimeField(null=True, blank=True)
    invoice = models.JSONField(null=True, blank=True, help_text="the invoice as the ERP sent it")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.state})"
