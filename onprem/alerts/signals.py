"""What the alerts app tells the apps above it (the dashboard broadcasts it).

`alert_changed` (kwarg alert_id) is sent once the change is committed, in whichever process
made it (ingest, a web server, a Celery worker), for every raise, re-raise, acknowledge,
resolve and automatic clear. Receivers run robustly: one that raises is logged and skipped.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

alert_changed = Signal()


def tell_on_commit(alert_id: int) -> None:
    """Send alert_changed for `alert_id` after the current transaction commits (at once
    outside one)."""
    transaction.on_commit(lambda: tell(alert_id))


def tell(alert_id: int) -> None:
    for receiver, result in alert_changed.send_robust(sender=None, alert_id=alert_id):
        if isinstance(result, Exception):
            log.error("alert_changed receiver %s failed: %s: %s", getattr(receiver, "__qualname__", receiver),
                      type(result).__name__, result, exc_info=result)
