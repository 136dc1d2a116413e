"""`manage.py seed_history --days 365 --carts 120 [--seed N] [--until D]`: a year of store history for the BI."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from onprem.analytics.rollups import roll_up_range, store_today
from onprem.analytics.seeding import AlreadySeeded, Plan, seed_history


class Command(BaseCommand):
    help = (
        "Fill the store with plausible SmartCart history (shoppers with habits, sessions, baskets, "
        "help requests, ERP daily orders, battery rollups), then roll it up for the BI."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--carts", type=int, default=120)
        parser.add_argument("--seed", type=int, default=1, help="same seed, same end day: same store")
        parser.add_argument("--until", type=date.fromisoformat, help="last day seeded (default yesterday)")
        parser.add_argument("--no-rollup", action="store_true", help="leave the nightly rollup to run later")

    def handle(self, *args, days: int, carts: int, seed: int, until: date | None, no_rollup: bool, **options):
        if not 1 <= days <= 3660 or not 1 <= carts <= 5000:
            raise CommandError("--days is 1-3660 and --carts 1-5000")
        until = until or store_today() - timedelta(days=1)
        if until >= store_today():
            raise CommandError("--until must be before today: today's figures are live, not seeded")
        plan = Plan(days=days, carts=carts, seed=seed, until=until)
        began = time.monotonic()
        try:
            written = seed_history(plan)
        except AlreadySeeded as exc:
            raise CommandError(f"{exc}: use another --seed or a fresh database") from None
        seeded = time.monotonic()
        rolled = 0 if no_rollup else roll_up_range(plan.first, plan.until)
        summary = " ".join(f"{k}={v}" for k, v in written.items())
        self.stdout.write(
            f"seeded {days} days until {until}: {summary} rolled_up={rolled} "
            f"seed_s={seeded - began:.1f} rollup_s={time.monotonic() - seeded:.1f}"
        )
