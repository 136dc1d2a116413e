"""A store day's BI figures, computed from the raw tables, and stored as the nightly rollup.

`compute_day` is the one computation: the nightly task stores what it returns, the pages call
it live for today. Days are the store's local days (settings.TIME_ZONE), bounded in Python so
no database time-zone tables are needed.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import combinations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from onprem.fleet.models import Cart, CartReading
from onprem.shopping.choices import SessionState
from onprem.shopping.models import BasketLine, HelpRequest, Order, ShoppingSession

from . import buckets, months
from .models import CartBatteryDay, PairDay, ProductDay, StoreDay

log = logging.getLogger(__name__)
PAIRS_KEPT_PER_DAY = 300
# Linear Li-ion fade: 20 % of design capacity lost over 1,000 full cycles.
FADE_PCT_PER_CYCLE = 0.02
REPLACE_BELOW_PCT = 80.0


@dataclass
class DayFigures:
    store: StoreDay
    products: list[ProductDay] = field(default_factory=list)
    pairs: list[PairDay] = field(default_factory=list)
    batteries: list[CartBatteryDay] = field(default_factory=list)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)


def store_today() -> date:
    return timezone.localdate()


def compute_day(day: date, *, batteries: bool = True) -> DayFigures:
    """Every BI figure of one day, from sessions, basket lines, help requests and readings.

    Pages leave `batteries` out for today: a day of cart readings is the biggest raw read there
    is, and capacity moves over weeks, so battery health shows up to yesterday."""
    start, end = day_bounds(day)
    sessions = list(
        ShoppingSession.objects.filter(started_at__gte=start, started_at__lt=end)
        .order_by("started_at")
        .values_list("id", "shopper_id", "state", "started_at", "ended_at")
    )
    store = StoreDay(day=day, sessions=len(sessions))
    store.help_requests = HelpRequest.objects.filter(created_at__gte=start, created_at__lt=end).count()
    store.orders = Order.objects.filter(created_at__gte=start, created_at__lt=end).count()
    _count_sessions(store, sessions)
    _count_returns(store, sessions, start)
    baskets = _paid_baskets(start, end)
    _count_baskets(store, baskets)
    return DayFigures(
        store=store,
        products=_products(day, baskets),
        pairs=_pairs(day, baskets),
        batteries=battery_day(day) if batteries else [],
    )


def _count_sessions(store: StoreDay, sessions: list[tuple]) -> None:
    by_hour, durations = [0] * 24, buckets.DURATION_MINUTES.empty()
    for _id, _shopper, state, started, ended in sessions:
        by_hour[timezone.localtime(started).hour] += 1
        store.paid += state == SessionState.PAID
        store.abandoned += state == SessionState.ABANDONED
        if ended is not None:
            seconds = max(0, int((ended - started).total_seconds()))
            store.ended += 1
            store.duration_seconds += seconds
            durations[buckets.DURATION_MINUTES.index(seconds / 60)] += 1
    store.by_hour, store.duration_hist = by_hour, durations


def _count_returns(store: StoreDay, sessions: list[tuple], start: datetime) -> None:
    """A session is returning when its shopper shopped before (earlier that day counts)."""
    shoppers = {s[1] for s in sessions}
    last = dict(
        ShoppingSession.objects.filter(shopper_id__in=shoppers, started_at__lt=start)
        .values("shopper_id")
        .annotate(last=Max("started_at"))
        .values_list("shopper_id", "last")
    )
    intervals = buckets.RETURN_DAYS.empty()
    for _id, shopper, _state, started, _ended in sessions:
        previous = last.get(shopper)
        if previous is not None:
            days = (timezone.localdate(started) - timezone.localdate(previous)).days
            store.returning += 1
            store.interval_days += days
            intervals[buckets.RETURN_DAYS.index(days)] += 1
        last[shopper] = started
    store.shoppers, store.interval_hist = len(shoppers), intervals


@dataclass
class Basket:
    items: int = 0
    value: Decimal = Decimal("0")
    lines: list[tuple[int, Decimal, Decimal]] = field(default_factory=list)  # product, qty, total


def _paid_baskets(start: datetime, end: datetime) -> dict:
    baskets: dict = defaultdict(Basket)
    rows = BasketLine.objects.filter(
        session__started_at__gte=start, session__started_at__lt=end, session__state=SessionState.PAID
    ).values_list("session_id", "product_id", "quantity", "total")
    for session_id, product_id, quantity, total in rows:
        basket = baskets[session_id]
        basket.items += 1
        basket.value += total
        basket.lines.append((product_id, quantity, total))
    return baskets


def _count_baskets(store: StoreDay, baskets: dict) -> None:
    sizes, values = buckets.BASKET_ITEMS.empty(), buckets.BASKET_VALUE.empty()
    empty_paid = store.paid - len(baskets)  # paid with nothing scanned: possible, rare
    sizes[0] += max(0, empty_paid)
    values[0] += max(0, empty_paid)
    for basket in baskets.values():
        store.items += basket.items
        store.value += basket.value
        sizes[buckets.BASKET_ITEMS.index(basket.items)] += 1
        values[buckets.BASKET_VALUE.index(float(basket.value))] += 1
    store.size_hist, store.value_hist = sizes, values


def _products(day: date, baskets: dict) -> list[ProductDay]:
    rows: dict[int, ProductDay] = {}
    for basket in baskets.values():
        for product_id in {line[0] for line in basket.lines}:
            row = rows.setdefault(
                product_id,
                ProductDay(day=day, product_id=product_id, baskets=0, quantity=0, revenue=0),
            )
            row.baskets += 1
        for product_id, quantity, total in basket.lines:
            rows[product_id].quantity += quantity
            rows[product_id].revenue += total
    return list(rows.values())


def _pairs(day: date, baskets: dict) -> list[PairDay]:
    counts: Counter = Counter()
    for basket in baskets.values():
        counts.update(combinations(sorted({line[0] for line in basket.lines}), 2))
    # Most baskets first, ties broken by the pair itself, so the kept set is the same every time.
    top = heapq.nlargest(PAIRS_KEPT_PER_DAY, counts.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
    return [PairDay(day=day, product_a_id=a, product_b_id=b, baskets=n) for (a, b), n in top]


def battery_day(day: date) -> list[CartBatteryDay]:
    """Cycles and capacity of every cart that reported that day (one query on the device/time index)."""
    start, end = day_bounds(day)
    carts = dict(Cart.objects.values_list("device_id", "id"))
    readings: dict[str, list] = defaultdict(list)
    rows = (
        CartReading.objects.filter(device_id__in=list(carts), ts__gte=start, ts__lt=end)
        .order_by("device_id", "ts")
        .values_list("device_id", "soc", "temperature")
    )
    for device_id, soc, temperature in rows.iterator(chunk_size=5000):
        readings[device_id].append((soc, temperature))
    if not readings:
        return []
    before = _latest_before(day)
    return [_battery_row(day, carts[d], r, before.get(carts[d])) for d, r in readings.items()]


def _latest_before(day: date) -> dict[int, CartBatteryDay]:
    latest = CartBatteryDay.objects.filter(day__lt=day).values("cart_id").annotate(last=Max("day"))
    wanted = {(r["cart_id"], r["last"]) for r in latest}
    days = {d for _c, d in wanted}
    rows = CartBatteryDay.objects.filter(day__in=days) if days else []
    return {r.cart_id: r for r in rows if (r.cart_id, r.day) in wanted}


def _battery_row(day: date, cart_id: int, readings: list, previous: CartBatteryDay | None) -> CartBatteryDay:
    discharged = sum(max(0.0, a[0] - b[0]) for a, b in zip(readings, readings[1:], strict=False))
    cycles = discharged / 100
    total = (previous.cycles_total if previous else 0.0) + cycles
    capacity = (previous.capacity_pct if previous else 100.0) - FADE_PCT_PER_CYCLE * cycles
    return CartBatteryDay(
        day=day,
        cart_id=cart_id,
        cycles=round(cycles, 3),
        cycles_total=round(total, 3),
        capacity_pct=round(capacity, 3),
        min_soc=min(r[0] for r in readings),
        max_temperature=max(r[1] for r in readings),
    )


def roll_up(day: date, *, month: bool = True) -> DayFigures:
    """Store one day's figures, replacing any earlier rollup of it (safe to run again).

    Battery rows are replaced only for carts that reported that day: a day with no readings
    keeps what was there (seed_history writes battery rows without raw readings)."""
    figures = compute_day(day)
    with transaction.atomic():
        StoreDay.objects.filter(day=day).delete()
        ProductDay.objects.filter(day=day).delete()
        PairDay.objects.filter(day=day).delete()
        figures.store.save()
        ProductDay.objects.bulk_create(figures.products, batch_size=1000)
        PairDay.objects.bulk_create(figures.pairs, batch_size=1000)
        reported = [b.cart_id for b in figures.batteries]
        CartBatteryDay.objects.filter(day=day, cart_id__in=reported).delete()
        CartBatteryDay.objects.bulk_create(figures.batteries, batch_size=1000)
    if month:
        months.roll_up_month(months.month_of(day))
    log.debug("analytics rollup day=%s sessions=%d", day, figures.store.sessions)
    return figures


def roll_up_range(first: date, last: date) -> int:
    """Roll up every day from `first` to `last` inclusive; one bad day is logged, not fatal."""
    done, day, touched = 0, first, set()
    while day <= last:
        try:
            roll_up(day, month=False)
            touched.add(months.month_of(day))
            done += 1
        except Exception:
            log.exception("analytics rollup failed day=%s", day)
        day += timedelta(days=1)
    for month in sorted(touched):
        months.roll_up_month(month)
    log.info("analytics rollup first=%s last=%s days=%d", first, last, done)
    return done
