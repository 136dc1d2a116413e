"""`manage.py rollup_analytics [--date D | --since D]`: store the BI rollups of past days."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from onprem.analytics.rollups import roll_up_range, store_today


class Command(BaseCommand):
    help = "Roll up the BI figures of one day (--date), every day since one (--since), or yesterday."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--date", type=_date, help="one day, YYYY-MM-DD")
        group.add_argument("--since", type=_date, help="every day from this one up to yesterday")

    def handle(self, *args, date: date | None, since: date | None, **options) -> None:
        yesterday = store_today() - timedelta(days=1)
        first, last = (date, date) if date else (since or yesterday, yesterday)
        if first > store_today():
            raise CommandError(f"{first} is in the future")
        done = roll_up_range(first, last)
        self.stdout.write(f"rolled up {done} day(s) from {first} to {last}")


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
