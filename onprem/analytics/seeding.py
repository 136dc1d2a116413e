"""seed_history: a year of plausible SmartCart use in one store, written in bulk.

Shoppers have habits: how often they come (a few weekly regulars, many occasional), their
favourite weekdays and hour, and the day they first used SmartCart (adoption grows over the
year). Baskets draw products by popularity, with a few products usually bought together.
Everything comes from one random.Random(seed), so a seed and an end day give the same store.
"""

from __future__ import annotations

import itertools
import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models

from onprem.catalog.models import Barcode, Product
from onprem.catalog.services import ProductEntry, apply_products
from onprem.fleet.models import Cart
from onprem.fleet.services import current_store
from onprem.shopping.models import BasketLine, HelpRequest, Order, Payment, ShoppingSession

from .models import ErpDailyOrders
from .rollups import day_bounds
from .seeding_days import Writer
from .seeding_fleet import seed_batteries

log = logging.getLogger(__name__)
CHUNK = 5000


@dataclass(frozen=True)
class Shopper:
    user_id: int
    weight: float  # how often, relative to the others
    weekdays: tuple[int, ...]
    hour: float
    joined: int  # day index of the first SmartCart visit


@dataclass
class Plan:
    days: int
    carts: int
    seed: int
    until: date  # the last day seeded (yesterday by default)

    @property
    def first(self) -> date:
        return self.until - timedelta(days=self.days - 1)


@contextmanager
def stamped_by_us(*fields: models.DateTimeField):
    """Let bulk_create keep the times we give instead of auto_now(_add) overwriting them."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def _field(model, name):
    return model._meta.get_field(name)


class AlreadySeeded(Exception):
    """This seed has already written sessions in these days (order numbers would collide)."""


def seed_history(plan: Plan) -> dict:
    """Write plan.days of history ending plan.until; returns what was written."""
    start, end = day_bounds(plan.first)[0], day_bounds(plan.until)[1]
    if ShoppingSession.objects.filter(
        shopper__username__startswith=f"shopper-{plan.seed}-", started_at__gte=start, started_at__lt=end
    ).exists():
        raise AlreadySeeded(f"seed {plan.seed} already has sessions between {plan.first} and {plan.until}")
    rng = random.Random(plan.seed)
    products = _catalog(rng)
    carts = _carts(plan.carts)
    shoppers = _shoppers(rng, plan)
    writer = Writer(rng, products, plan.first)
    carts_per_day = []
    stamps = [_field(ShoppingSession, "started_at"), _field(BasketLine, "added_at"),
              _field(BasketLine, "updated_at"), _field(HelpRequest, "created_at"),
              _field(Payment, "created_at"), _field(Payment, "updated_at"), _field(Order, "created_at")]
    with stamped_by_us(*stamps):
        for n in range(plan.days):
            day = plan.first + timedelta(days=n)
            carts_per_day.append(writer.day(day, n, plan, shoppers, carts))
        writer.flush()
    batteries = seed_batteries(rng, plan.first, carts, carts_per_day)
    ErpDailyOrders.objects.filter(day__gte=plan.first, day__lte=plan.until).delete()
    ErpDailyOrders.objects.bulk_create(writer.erp_days, batch_size=CHUNK)
    return {**writer.counts, "shoppers": len(shoppers), "carts": len(carts), "battery_rows": batteries}


def _catalog(rng: random.Random) -> list[dict]:
    """The active products with a barcode each, most popular first (the ERP's sample if empty)."""
    if not Product.objects.filter(active=True).exists():
        from smartcart.emulators.erp.catalog import sample_products

        apply_products(entries=[_entry(p) for p in sample_products()])
    barcodes = {}
    for product_id, code in Barcode.objects.order_by("id").values_list("product_id", "code"):
        barcodes.setdefault(product_id, code)
    rows = list(Product.objects.filter(active=True).order_by("id").values("id", "name", "unit", "price", "vat_rate"))
    rows = [dict(r, barcode=barcodes.get(r["id"], "0")) for r in rows if r["price"] > 0]
    rng.shuffle(rows)
    return rows


def _entry(record: dict) -> ProductEntry:
    return ProductEntry(code=record["codigo"], name=record["descricao"], price=Decimal(record["preco_venda"]),
                        vat_rate=Decimal(str(record["aliquota_iva"])), unit=record["unidade"],
                        barcodes=tuple(record["codigos_barras"]))


def _carts(count: int) -> list[int]:
    """The store's carts, creating seed carts (no MQTT password: rotate one to connect) up to `count`."""
    have = list(Cart.objects.order_by("id").values_list("id", flat=True)[:count])
    if len(have) < count:
        store, taken = current_store(), set(Cart.objects.values_list("device_id", flat=True))
        free = (f"cart-{n:03d}" for n in itertools.count(1) if f"cart-{n:03d}" not in taken)
        wanted = list(itertools.islice(free, count - len(have)))
        Cart.objects.bulk_create(
            Cart(store=store, device_id=name, name=name, mqtt_username=name, mqtt_password_hash="!")
            for name in wanted
        )
        have = list(Cart.objects.order_by("id").values_list("id", flat=True)[:count])
    return have


def _shoppers(rng: random.Random, plan: Plan) -> list[Shopper]:
    User = get_user_model()
    count = max(20, plan.carts * 25)
    names = [f"shopper-{plan.seed}-{n:05d}@seed.invalid" for n in range(count)]
    unusable = make_password(None)
    User.objects.bulk_create(
        (User(username=name, email=name, first_name=f"Shopper {n}", password=unusable)
         for n, name in enumerate(names)),
        batch_size=CHUNK, ignore_conflicts=True,
    )
    ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
    shoppers = [_habits(rng, ids[name], plan.days) for name in names]
    return sorted(shoppers, key=lambda s: s.joined)


def _habits(rng: random.Random, user_id: int, days: int) -> Shopper:
    weekdays = tuple(sorted(rng.sample(range(7), rng.choice((1, 2, 2, 3)))))
    weekend = any(d >= 5 for d in weekdays)
    hour = rng.gauss(11.0, 1.2) if (weekend or rng.random() < 0.4) else rng.gauss(18.0, 1.3)
    # Adoption grows: a third of the shoppers were there at the start, the rest join over the year.
    joined = 0 if rng.random() < 0.35 else rng.randrange(days)
    return Shopper(user_id, rng.paretovariate(1.6), weekdays, hour, joined)
