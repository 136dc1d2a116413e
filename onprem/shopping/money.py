"""Basket arithmetic in Decimal: line totals, the basket total and the VAT inside it, per rate.

Shelf prices include VAT. A line's total is quantity × unit price rounded half up to the cent,
the same rule the ERP applies to an order line, so the ERP's order total, the terminal's
charge and the basket's total are one number. The VAT of a rate is taken out of that rate's
gross once (not line by line), as a receipt shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


def line_total(*, quantity: Decimal, unit_price: Decimal) -> Decimal:
    return cents(quantity * unit_price)


@dataclass(frozen=True)
class VatShare:
    rate: Decimal  # percent
    net: Decimal
    vat: Decimal
    gross: Decimal

    def as_json(self) -> dict:
        return {
            "rate": str(self.rate),
            "net": str(self.net),
            "vat": str(self.vat),
            "gross": str(self.gross),
        }


@dataclass(frozen=True)
class Totals:
    items: Decimal  # units plus kg, as scanned (a count for the app's badge, not money)
    lines: int
    total: Decimal
    vat: tuple[VatShare, ...]

    def as_json(self) -> dict:
        return {
            "lines": self.lines,
            "items": str(self.items),
            "total": str(self.total),
            "vat": [share.as_json() for share in self.vat],
        }


def vat_share(rate: Decimal, gross: Decimal) -> VatShare:
    net = cents(gross * HUNDRED / (HUNDRED + rate))
    return VatShare(rate=rate, net=net, vat=gross - net, gross=gross)


def basket_totals(lines: Iterable) -> Totals:
    """Totals of lines having .quantity, .total and .vat_rate (BasketLine rows or the like)."""
    by_rate: dict[Decimal, Decimal] = {}
    items, count = Decimal(0), 0
    for line in lines:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.total
        items += line.quantity
        count += 1
    shares = tuple(vat_share(rate, by_rate[rate]) for rate in sorted(by_rate))
    total = sum((s.gross for s in shares), Decimal(0))
    return Totals(items=items, lines=count, total=cents(total), vat=shares)
