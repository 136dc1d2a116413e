"""Celery tasks of the BI: the nightly rollup."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from .models import StoreDay
from .rollups import roll_up_range, store_today

CATCH_UP_DAYS = 7


@shared_task
def roll_up_yesterday() -> int:
    """Nightly: roll up yesterday, and any of the last week's days a missed night left without one."""
    yesterday = store_today() - timedelta(days=1)
    first = yesterday - timedelta(days=CATCH_UP_DAYS - 1)
    have = set(StoreDay.objects.filter(day__gte=first, day__lt=yesterday).values_list("day", flat=True))
    missing = [first + timedelta(days=n) for n in range(CATCH_UP_DAYS - 1) if first + timedelta(days=n) not in have]
    done = sum(roll_up_range(day, day) for day in missing)
    return done + roll_up_range(yesterday, yesterday)
