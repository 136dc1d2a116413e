"""Celery tasks of alerts."""

from __future__ import annotations

from celery import shared_task

from . import closing


@shared_task
def check_closing_time() -> dict:
    """Beat: carts not back in a rack after closing raise an alert; docked ones clear theirs."""
    return closing.check_closing_time()
