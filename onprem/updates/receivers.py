"""Ingest tells the updates app about every committed batch (fleet.signals.batch_stored):
the batch's `ota` events move their jobs. Connected in apps.Config.ready()."""

from __future__ import annotations

from .events import apply_ota_events


def on_batch_stored(*, batch, **_) -> None:
    if batch.events:
        apply_ota_events(batch.events)
