from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def expire_store_commands() -> int:
    """Mark open commands past their expiry expired (the `monitor` command does the same)."""
    return services.expire_store_commands()
