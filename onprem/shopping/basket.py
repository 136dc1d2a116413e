"""Verbs of a basket: scan a product in, change a line's quantity, take a line out, read it.

Every change runs under the session's row lock and bumps `basket_version` in the same
statement that checks the session is still `active`: a checkout that froze the basket
(`paying`) or a session that ended makes the change a BasketFrozen, and a payment that
recorded version N can never be paid for a basket that moved past N.

Scan-and-add is the hot path (the shopper app calls it for every product in the store): one
query finds the product with its stock, then, in one transaction, one UPDATE locks the
session, one reads the basket's lines (to merge a repeated scan, and for the totals, computed
in Python, in Decimal: exact on every database), and one INSERT or UPDATE writes the line.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onprem.catalog.models import Product

from . import barcodes, scan_sql
from .choices import SessionState
from .models import BasketLine, ShoppingSession
from .money import Totals, basket_totals, line_total

log = logging.getLogger(__name__)

EACH, KILOGRAM = "un", "kg"
MAX_UNITS = 99  # of one product on one line


class BasketError(Exception):
    """A change the basket refuses: `status` is the API's answer (400, 404 or 409)."""

    status = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class BadQuantity(BasketError):
    status = 400


class BadBarcode(BasketError):
    status = 400


class UnknownBarcode(BasketError):
    status = 404


class LineNotFound(BasketError):
    status = 404


class BasketFrozen(BasketError):
    status = 409


class SessionNotFound(BasketError):
    status = 404


@dataclass
class BasketChange:
    """What a change left: the line it touched, warnings for the shopper, the new totals."""

    line: BasketLine | None
    totals: Totals
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scanned:
    product: Product
    barcode: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    weighed: bool


def add_item(*, session: ShoppingSession, barcode: str, quantity: int = 1) -> BasketChange:
    """Scan a product into the basket: a new line, or more of a packaged product already in
    it. UnknownBarcode, BadBarcode, BadQuantity, BasketFrozen, SessionNotFound.

    The hot path: its statements are plain SQL (scan_sql.py says why)."""
    scanned = scan(barcode, quantity)
    now = timezone.now()
    with transaction.atomic():
        if not scan_sql.bump_open_version(session_id=session.pk, shopper_id=session.shopper_id):
            explain_closed(session)
        lines = scan_sql.basket_lines(session_id=session.pk)
        same = None if scanned.weighed else same_product_line(lines, scanned)
        if same is None:
            line = scanned_line(scanned)
            scan_sql.insert_line(session_id=session.pk, line=line, at=now)
        else:
            lines.remove(same)
            units = Decimal(checked_units(same.quantity + scanned.quantity))
            total = line_total(quantity=units, unit_price=same.unit_price)
            line = same._replace(quantity=units, total=total)
            scan_sql.update_quantity(line=line, at=now)
        lines.append(line)
    session.basket_version += 1
    answer = BasketLine(session_id=session.pk, product=scanned.product, **line._asdict())
    log.info(
        "basket add session=%s product=%s qty=%s", session.pk, scanned.product.code, line.quantity
    )
    return BasketChange(
        line=answer, totals=basket_totals(lines), warnings=stock_warnings(scanned.product, answer)
    )


def scanned_line(scanned: Scanned) -> scan_sql.LineRow:
    return scan_sql.LineRow(
        id=uuid.uuid4(),
        product_id=scanned.product.pk,
        barcode=scanned.barcode,
        name=scanned.product.name,
        unit=scanned.unit,
        unit_price=scanned.unit_price,
        vat_rate=scanned.product.vat_rate,
        quantity=scanned.quantity,
        total=line_total(quantity=scanned.quantity, unit_price=scanned.unit_price),
        weighed=scanned.weighed,
    )


def change_quantity(*, session: ShoppingSession, line_id, quantity: int) -> BasketChange:
    """Set a packaged product's quantity (1..99); a weighed line's quantity is its label's."""
    with transaction.atomic():
        bump_version(session)
        line = own_line(session, line_id)
        if line.weighed:
            raise BadQuantity(
                "a weighed item's quantity is printed on its label: remove the line and scan "
                "the label again"
            )
        set_quantity(line, Decimal(checked_units(quantity)))
        totals = totals_of(session)
    return BasketChange(line=line, totals=totals, warnings=stock_warnings(line.product, line))


def line_as_it_is(*, session: ShoppingSession, line_id) -> BasketChange:
    """A line and the totals, unchanged (a PATCH that names nothing to change)."""
    line = own_line(session, line_id)
    return BasketChange(
        line=line, totals=totals_of(session), warnings=stock_warnings(line.product, line)
    )


def remove_line(*, session: ShoppingSession, line_id) -> Totals:
    """Take a line out of the basket; returns the new totals."""
    with transaction.atomic():
        bump_version(session)
        own_line(session, line_id).delete()
        return totals_of(session)


def basket(session: ShoppingSession) -> tuple[list[BasketLine], Totals]:
    """The basket's lines (oldest first, with their products) and its totals."""
    lines = list(session.lines.select_related("product").order_by("added_at", "id"))
    return lines, basket_totals(lines)


def scan(barcode: str, quantity: int) -> Scanned:
    """What a scan names and at which price and quantity (the catalog lookup, no lock)."""
    if barcodes.is_weighed(barcode):
        return scan_weighed(barcode, quantity)
    product = product_by_barcode(barcode)
    if product.unit == KILOGRAM:
        raise BadBarcode(
            f"{product.name} is sold by weight: weigh it on the store's scale and scan its label"
        )
    return Scanned(
        product=product,
        barcode=barcode,
        unit=EACH,
        unit_price=product.price,
        quantity=Decimal(checked_units(quantity)),
        weighed=False,
    )


def scan_weighed(barcode: str, quantity: int) -> Scanned:
    try:
        label = barcodes.parse_weighed(barcode)
    except barcodes.BadBarcode as exc:
        raise BadBarcode(str(exc)) from None
    if quantity != 1:
        raise BadQuantity("a weighed item's quantity is printed on its label: send quantity 1")
    product = product_by_barcode(label.lookup_code, scanned=barcode)
    if label.price is not None:  # a price label: one package at the printed price
        return Scanned(product, barcode, EACH, label.price, Decimal(1), weighed=True)
    return Scanned(product, barcode, KILOGRAM, product.price, label.kilograms, weighed=True)


def product_by_barcode(code: str, *, scanned: str | None = None) -> Product:
    """The product (with its stock level) a catalog barcode names: one query."""
    found = scan_sql.product_by_barcode(code)
    scanned = scanned or code
    if found is None:
        if not scanned.startswith("2") and len(scanned) in barcodes.GTIN_LENGTHS:
            if not barcodes.has_valid_check_digit(scanned):
                raise BadBarcode(
                    f"barcode {scanned} has a wrong check digit: it was misread or mistyped"
                )
        raise UnknownBarcode(f"no product in this store has barcode {scanned}")
    if not found.active:
        raise UnknownBarcode(f"{found.name} (barcode {scanned}) is no longer sold here")
    return found


def session_reference(*, shopper, session_id) -> ShoppingSession:
    """The shopper's session by id, not read: the scan's UPDATE below checks that it is theirs
    and open in the same statement that locks it (reading it first cost a fifth of a scan)."""
    return ShoppingSession(pk=session_id, shopper_id=shopper.pk)


def bump_version(session: ShoppingSession) -> None:
    """Lock the session's row and count one more basket change, if the basket is open and the
    session is its shopper's (SessionNotFound otherwise, as for an id that does not exist)."""
    mine = ShoppingSession.objects.filter(pk=session.pk, shopper_id=session.shopper_id)
    moved = mine.filter(state=SessionState.ACTIVE).update(basket_version=F("basket_version") + 1)
    if not moved:
        explain_closed(session)
    session.basket_version += 1


def explain_closed(session: ShoppingSession) -> None:
    """Why a basket change found no open session of the caller's: raise what the app needs."""
    mine = ShoppingSession.objects.filter(pk=session.pk, shopper_id=session.shopper_id)
    state = next(iter(mine.values_list("state", flat=True)[:1]), None)
    if state is None:
        raise SessionNotFound("You have no shopping session with this id.")
    if state == SessionState.PAYING:
        raise BasketFrozen("the basket is frozen while paying")
    raise BasketFrozen("this session has ended")


def same_product_line(lines: list, scanned: Scanned):
    """The packaged product's line a repeated scan adds to (weighed labels never merge)."""
    return next((x for x in lines if x.product_id == scanned.product.pk and not x.weighed), None)


def set_quantity(line: BasketLine, quantity: Decimal) -> None:
    checked_units(quantity)
    line.quantity = quantity
    line.total = line_total(quantity=quantity, unit_price=line.unit_price)
    line.save(update_fields=["quantity", "total", "updated_at"])


def own_line(session: ShoppingSession, line_id) -> BasketLine:
    line = (
        BasketLine.objects.select_related("product", "product__stock")
        .filter(session=session, pk=line_id)
        .first()
    )
    if line is None:
        raise LineNotFound("this basket has no line with this id")
    return line


def checked_units(quantity) -> int:
    if quantity != int(quantity) or not 1 <= quantity <= MAX_UNITS:
        raise BadQuantity(f"a basket line holds 1 to {MAX_UNITS} units, not {quantity}")
    return int(quantity)


def totals_of(session: ShoppingSession) -> Totals:
    rows = BasketLine.objects.filter(session=session).values_list(
        "quantity", "total", "vat_rate", named=True
    )
    return basket_totals(rows)


def stock_warnings(product: Product, line: BasketLine) -> list[str]:
    """Out of stock is the store system's opinion, not a reason to refuse: the shopper holds
    the product in their hand."""
    stock = getattr(product, "stock", None)
    if stock is None:
        return []
    # A price label's package is not a stock unit: only "none left" applies to it.
    comparable = line.unit == product.unit
    short = stock.quantity <= 0 or (comparable and stock.quantity < line.quantity)
    if short:
        return [f"{product.name} is out of stock according to the store's system"]
    return []
