"""Seeded battery history: per cart per day, the cycles its sessions used and the capacity left.

The fleet was bought over a few years, so carts start at different ages; cells age at
slightly different rates, so some carts cross the replacement line before others.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .models import CartBatteryDay
from .rollups import FADE_PCT_PER_CYCLE

STANDBY_PCT_PER_DAY = 2.0  # screen off in a rack, radio on


def seed_batteries(rng: random.Random, first: date, carts: list[int], per_day: list[dict[int, float]]) -> int:
    last = first + timedelta(days=len(per_day) - 1)
    CartBatteryDay.objects.filter(cart_id__in=carts, day__gte=first, day__lte=last).delete()
    state = {cart: (rng.uniform(0, 1000), rng.lognormvariate(0, 0.2)) for cart in carts}
    rows = []
    for n, discharged in enumerate(per_day):
        day = first + timedelta(days=n)
        for cart in carts:
            used = discharged.get(cart, 0.0)
            cycles = (used + STANDBY_PCT_PER_DAY) / 100
            total, ageing = state[cart]
            total += cycles
            state[cart] = (total, ageing)
            rows.append(CartBatteryDay(
                day=day, cart_id=cart, cycles=round(cycles, 3), cycles_total=round(total, 3),
                capacity_pct=round(max(40.0, 100 - FADE_PCT_PER_CYCLE * ageing * total), 3),
                min_soc=round(max(5.0, 100 - min(used, 95)), 1),
                max_temperature=round(22 + used * 0.04 + rng.gauss(0, 1.2), 1),
            ))
    CartBatteryDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
