from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def sweep_incidents() -> dict:
    """Beat runs this every 10 s; the `monitor` command does the same where no beat runs."""
    return services.sweep()
