"""Celery beat's way into the notification outbox (the monitor command calls the same services)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def deliver_due_notices() -> dict:
    """Send every notice that is due (claimed, so a monitor running beside beat never doubles)."""
    return services.deliver_due()


@shared_task
def remind_open_incidents() -> int:
    """Queue a reminder for every incident open longer than the repeat interval since its last."""
    return services.remind_due()
