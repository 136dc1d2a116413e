from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def expire_store_commands() -> int:
    """Mark open commands past their expiry expired (the `monitor` command does the same)."""
    return services.expire_store_commands()


@shared_task
def deliver_due_store_commands() -> int:
    """Send again what live tunnels should have by now (the `monitor` command does the same)."""
    return services.deliver_due()
