"""Scan-and-add's three statements inside its transaction, as plain SQL.

The shopper app calls scan-and-add for every product a shopper picks: it is the API's hottest
call. The ORM spent more CPU building these statements and model instances than the database
spent running them (docs/benchmarks.md, "Shopping"), so the session's version bump, the read
of the basket's lines and the line's INSERT or UPDATE are written here by hand, against the
tables of models.py. Everything else, including every other basket change, uses the ORM.
Values go through Django's cursor and the backend's own adapters, so the same SQL runs on
MariaDB and SQLite.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from .models import BasketLine, ShoppingSession

SESSIONS = ShoppingSession._meta.db_table
LINES = BasketLine._meta.db_table
CENTS, MILLIS = Decimal("0.01"), Decimal("0.001")


class LineRow(NamedTuple):
    id: uuid.UUID
    product_id: int
    barcode: str
    name: str
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    quantity: Decimal
    total: Decimal
    weighed: bool


def key(value) -> str:
    """A UUID as Django stores it on these backends: 32 hex digits."""
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).hex


def number(value, places: Decimal) -> Decimal:
    # SQLite hands decimals back as int or float; their shortest repr is the stored value.
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(places)


def bump_open_version(*, session_id, shopper_id: int) -> bool:
    """One more basket change on the shopper's active session; False when it is not one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SESSIONS} SET basket_version = basket_version + 1 "
            "WHERE id = %s AND shopper_id = %s AND state = 'active'",
            [key(session_id), shopper_id],
        )
        return cursor.rowcount == 1


def basket_lines(*, session_id) -> list[LineRow]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, product_id, barcode, name, unit, unit_price, vat_rate, quantity, total, "
            f"weighed FROM {LINES} WHERE session_id = %s",
            [key(session_id)],
        )
        return [row_of(values) for values in cursor.fetchall()]


def row_of(values: tuple) -> LineRow:
    line_id, product_id, barcode, name, unit, price, vat, quantity, total, weighed = values
    return LineRow(
        uuid.UUID(line_id) if isinstance(line_id, str) else line_id,
        product_id,
        barcode,
        name,
        unit,
        number(price, CENTS),
        number(vat, CENTS),
        number(quantity, MILLIS),
        number(total, CENTS),
        bool(weighed),
    )


def insert_line(*, session_id, line: LineRow, at: datetime) -> None:
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LINES} (id, session_id, product_id, barcode, name, unit, unit_price, "
            "vat_rate, quantity, total, weighed, added_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                key(line.id),
                key(session_id),
                line.product_id,
                line.barcode,
                line.name,
                line.unit,
                line.unit_price,
                line.vat_rate,
                line.quantity,
                line.total,
                line.weighed,
                stamp,
                stamp,
            ],
        )


def update_quantity(*, line: LineRow, at: datetime) -> None:
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LINES} SET quantity = %s, total = %s, updated_at = %s WHERE id = %s",
            [line.quantity, line.total, stamp, key(line.id)],
        )


def product_by_barcode(code: str):
    """The catalog's product (with its stock level, if the ERP sent one) for a barcode, or
    None: one indexed join, built into model instances by hand."""
    from onprem.catalog.models import Barcode, Product, StockLevel

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.code, p.name, p.unit, p.price, p.vat_rate, p.active, s.quantity "
            f"FROM {Barcode._meta.db_table} b JOIN {Product._meta.db_table} p ON p.id = b.product_id "
            f"LEFT JOIN {StockLevel._meta.db_table} s ON s.product_id = p.id WHERE b.code = %s",
            [code],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    pk, product_code, name, unit, price, vat_rate, active, stock = found
    product = Product(
        pk=pk,
        code=product_code,
        name=name,
        unit=unit,
        price=number(price, CENTS),
        vat_rate=number(vat_rate, CENTS),
        active=bool(active),
    )
    if stock is not None:
        product.stock = StockLevel(product=product, quantity=number(stock, MILLIS))
    return product
