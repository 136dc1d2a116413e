"""What ingest tells the apps built on the fleet, after the database has committed.

The fleet never imports the apps above it (alerts, dashboard, analytics); they connect to these
signals in their AppConfig.ready(). Receivers run in the ingest process, after the commit and
before the broker's PUBACK: a slow receiver slows ingest, and one that raises is logged and
skipped (send_robust), never costing the batch that is already stored.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

# kwargs: batch (onprem.fleet.ingest.Batch: cart_telemetry, rack_readings, events, statuses,
# dead) — what one committed transaction stored.
batch_stored = Signal()
# kwargs: racks, carts (lists of device ids) that the silent-device sweep marked offline.
devices_went_silent = Signal()


def tell(signal: Signal, **kwargs) -> None:
    """Send `signal`; a receiver that raises is logged and the others still run."""
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            log.error(
                "%s receiver %s failed: %s: %s",
                "fleet signal",
                getattr(receiver, "__qualname__", receiver),
                type(result).__name__,
                result,
                exc_info=result,
            )
