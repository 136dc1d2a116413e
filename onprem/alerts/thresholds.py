"""The store's alert thresholds: its AlertRule row, or the defaults when it has none."""

from __future__ import annotations

from django.conf import settings

from .models import AlertRule


def store_rule() -> AlertRule:
    """This store's rule (one query; read per batch, so an admin edit applies at once)."""
    return AlertRule.objects.filter(store__code=settings.STORE_ID).first() or AlertRule()
