"""One seeded store day at a time: sessions, baskets, payments, orders, help requests, ERP count.

Rows are kept in memory and written with bulk_create every few thousand basket lines.
"""

from __future__ import annotations

import math
import random
import uuid
from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import TYPE_CHECKING

from django.utils import timezone

from onprem.shopping.choices import HelpSource, HelpState, PaymentMethod, PaymentState, SessionState
from onprem.shopping.models import BasketLine, HelpRequest, Order, Payment, ShoppingSession

from . import bulk
from .models import ErpDailyOrders

if TYPE_CHECKING:
    from .seeding import Plan, Shopper

CHUNK = 5000
WEEKDAY_TRAFFIC = (0.85, 0.8, 0.9, 0.95, 1.15, 1.45, 0.9)  # Monday .. Sunday
CENT, GRAM = Decimal("0.01"), Decimal("0.001")
DISCHARGE_PCT_PER_MINUTE = 0.3  # a cart's screen, scanner and radio, in use
HELP_REASONS = ("scanner does not read", "price question", "payment problem", "weighed item", "")


class Writer:
    def __init__(self, rng: random.Random, products: list[dict], first_day: date) -> None:
        self.rng, self.products = rng, products
        popularity = [1 / (rank + 1) ** 0.85 for rank in range(len(products))]
        self.product_weights = list(accumulate(popularity))
        # Some products go together (pasta and sauce): the first of a pair often brings the other.
        ids = [p["id"] for p in products]
        self.partner = {a: b for a, b in zip(ids[:40:2], ids[1:41:2], strict=False)}
        self.by_id = {p["id"]: p for p in products}
        self.sessions: list = []
        self.payments: list = []
        self.orders: list = []
        self.lines: list = []
        self.helps: list = []
        self.erp_days: list = []
        self.counts = {"sessions": 0, "lines": 0, "orders": 0, "help_requests": 0}
        self.cart_cursor = 0
        self.counter = first_day.toordinal() << 24  # a later seed run's ids sort after an earlier one's
        self._cum: list | None = None

    def uuid(self) -> uuid.UUID:
        # Ascending ids (a counter on top, random below): MariaDB stores UUIDs as char(32) primary
        # keys, and random ones scatter every insert over the whole clustered index (seeding a
        # year took 4.5 minutes); history needs no unguessable ids, live sessions keep uuid4.
        self.counter += 1
        return uuid.UUID(int=(self.counter << 80) | self.rng.getrandbits(80), version=4)

    def _weights(self, shoppers: list[Shopper]) -> list[list[float]]:
        if self._cum is None:
            self._cum = [
                list(accumulate(s.weight * (4 if wd in s.weekdays else 1) for s in shoppers)) for wd in range(7)
            ]
            self._joined = [s.joined for s in shoppers]
        return self._cum

    def day(self, day: date, n: int, plan: Plan, shoppers: list[Shopper], carts: list[int]) -> dict[int, float]:
        """Write one day; returns the battery discharged per cart that day, in %."""
        rng, t = self.rng, n / max(1, plan.days - 1)
        cum = self._weights(shoppers)[day.weekday()]
        present = bisect_right(self._joined, n)
        season = 1 + 0.12 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365)
        season += 0.35 if day.month == 12 and 15 <= day.day <= 24 else 0
        store_orders = round(plan.carts * 7 * WEEKDAY_TRAFFIC[day.weekday()] * season * rng.uniform(0.92, 1.08))
        adoption = (0.10 + 0.22 * t) * rng.uniform(0.9, 1.1)
        visits = round(store_orders * adoption / 0.9) if present else 0
        picks = rng.choices(shoppers[:present], cum_weights=cum[:present], k=visits) if visits else []
        starts = sorted((self._start(day, s.hour), s.user_id) for s in picks)
        discharged: dict[int, float] = {}
        paid = 0
        for i, (start, shopper_id) in enumerate(starts):
            cart_id = carts[self.cart_cursor % len(carts)]
            self.cart_cursor += 1
            minutes, is_paid = self._visit(day, i, plan.seed, start, shopper_id, cart_id, t)
            paid += is_paid
            discharged[cart_id] = discharged.get(cart_id, 0.0) + minutes * DISCHARGE_PCT_PER_MINUTE
        self.erp_days.append(ErpDailyOrders(day=day, orders=max(store_orders, paid), source="seed"))
        if len(self.lines) >= CHUNK * 4:
            self.flush()
        return discharged

    def _start(self, day: date, habit_hour: float) -> datetime:
        hour = min(21.95, max(8.0, self.rng.gauss(habit_hour, 1.0)))
        clock = time(int(hour), int(hour % 1 * 60), self.rng.randrange(60))
        return timezone.make_aware(datetime.combine(day, clock))

    def _visit(self, day, i, seed, start, shopper_id, cart_id, t) -> tuple[float, bool]:
        rng = self.rng
        items = min(60, max(1, round(rng.lognormvariate(math.log(9), 0.55))))
        abandoned = rng.random() < 0.09
        minutes = 3 + items * 1.5 + abs(rng.gauss(0, 4))
        if abandoned:
            items, minutes = max(0, items // 3), minutes / 2
        end = start + timedelta(minutes=minutes)
        session = ShoppingSession(
            id=self.uuid(), shopper_id=shopper_id, cart_id=cart_id, started_at=start, ended_at=end,
            state=SessionState.ABANDONED if abandoned else SessionState.PAID,
            end_reason="abandoned by the shopper" if abandoned else "",
        )
        total = self._basket(session, items, start, minutes)
        session.basket_version = items
        self.sessions.append(session)
        if rng.random() < (0.06 - 0.035 * t) + (0.08 if abandoned else 0):
            self._help(session, cart_id, start, minutes)
        if not abandoned:
            self._pay(session, shopper_id, total, end, f"SEED-{seed}-{day:%Y%m%d}-{i:05d}")
        self.counts["sessions"] += 1
        return minutes, not abandoned

    def _basket(self, session: ShoppingSession, items: int, start: datetime, minutes: float) -> Decimal:
        rng, chosen = self.rng, []
        for product in rng.choices(self.products, cum_weights=self.product_weights, k=items):
            chosen.append(product["id"])
            partner = self.partner.get(product["id"])
            if partner and rng.random() < 0.3:
                chosen.append(partner)
        total = Decimal(0)
        for n, product_id in enumerate(dict.fromkeys(chosen)):
            product = self.by_id[product_id]
            weighed = product["unit"] == "kg"
            quantity = Decimal(str(round(rng.uniform(0.2, 1.6), 3))) if weighed else Decimal(rng.choice((1, 1, 1, 2, 2, 3)))
            line_total = (product["price"] * quantity).quantize(CENT, ROUND_HALF_UP)
            at = start + timedelta(minutes=minutes * (n + 1) / (len(chosen) + 1))
            self.lines.append(BasketLine(
                id=self.uuid(), session=session, product_id=product_id, barcode=product["barcode"][:14],
                name=product["name"], unit=product["unit"], unit_price=product["price"],
                vat_rate=product["vat_rate"], quantity=quantity.quantize(GRAM), total=line_total,
                weighed=weighed, added_at=at, updated_at=at,
            ))
            total += line_total
            self.counts["lines"] += 1
        return total

    def _help(self, session: ShoppingSession, cart_id: int, start: datetime, minutes: float) -> None:
        rng = self.rng
        at = start + timedelta(minutes=rng.uniform(0, minutes))
        self.helps.append(HelpRequest(
            id=self.uuid(), session=session, cart_id=cart_id, created_at=at, state=HelpState.RESOLVED,
            source=rng.choice((HelpSource.APP, HelpSource.CART_BUTTON)), reason=rng.choice(HELP_REASONS),
            acknowledged_at=at + timedelta(seconds=rng.uniform(20, 180)),
            resolved_at=at + timedelta(seconds=rng.uniform(200, 500)),
        ))
        self.counts["help_requests"] += 1

    def _pay(self, session: ShoppingSession, shopper_id: int, total: Decimal, end: datetime, number: str) -> None:
        method = PaymentMethod.CASHLESS if self.rng.random() < 0.7 else PaymentMethod.TILL
        payment = Payment(
            id=self.uuid(), session=session, method=method, state=PaymentState.PAID, amount=total,
            basket_version=session.basket_version, created_at=end - timedelta(seconds=50),
            updated_at=end, paid_at=end,
        )
        self.payments.append(payment)
        # The receipt's VAT split and lines are left empty: the BI reads basket lines, and a
        # year of receipts as JSON would double the seed's size for nothing.
        self.orders.append(Order(
            id=self.uuid(), number=number, session=session, payment=payment, shopper_id=shopper_id,
            method=method, total=total, vat=[], lines=[], created_at=end,
        ))
        self.counts["orders"] += 1

    def flush(self) -> None:
        for model, rows in ((ShoppingSession, self.sessions), (Payment, self.payments), (Order, self.orders),
                            (BasketLine, self.lines), (HelpRequest, self.helps)):
            bulk.insert(model, rows)
            rows.clear()
