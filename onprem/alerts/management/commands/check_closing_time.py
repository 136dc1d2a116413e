"""`manage.py check_closing_time`: what the beat task does, once, now (or at --at)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onprem.alerts.closing import check_closing_time


class Command(BaseCommand):
    help = "Raise an alert for each cart not back in a rack after the store's closing time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--at", help="pretend it is this time (ISO 8601, store local time if naive)")

    def handle(self, *args, at: str | None = None, **options) -> None:
        now = None
        if at:
            try:
                now = datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(f"--at {at!r} is not an ISO 8601 time, e.g. 2026-11-24T21:05") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        done = check_closing_time(now=now)
        self.stdout.write(f"raised={done['raised']} cleared={done['cleared']}")
