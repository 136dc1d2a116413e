"""Verbs of a paid basket: the order, its posting to the ERP, the shopper's receipts.

Paying is one transaction: the payment turns paid, the order is written, the session ends
(the cart is released and thanked) and the order is queued for the ERP, posted once the
transaction commits. The ERP being down never undoes a payment: the order is kept and the
ERP connector posts it when the ERP is back (idempotent by the order number).
"""

from __future__ import annotations

import logging
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from onprem.integrations.erp import services as erp
from onprem.integrations.erp.base import OrderLine
from onprem.integrations.erp.models import ErpOrder

from . import sessions
from .choices import PaymentState, SessionState
from .models import BasketLine, Order, Payment, ShoppingSession
from .money import basket_totals

log = logging.getLogger(__name__)


class PaymentClosed(Exception):
    """The payment cannot be paid any more (cancelled, failed, or its basket changed)."""


def record_paid(*, payment_id: uuid.UUID | str, via: str) -> Payment:
    """The payment was taken: write the order, end the session, queue the order for the ERP.

    Paying a paid payment again returns it unchanged. A closed payment, or one whose basket
    changed after payment started, raises PaymentClosed.
    """
    session_id = Payment.objects.values_list("session_id", flat=True).get(pk=payment_id)
    committed: list[bool] = []
    try:
        with transaction.atomic():
            # First of this transaction's commit hooks: later ones (the ERP post run eagerly
            # when no worker runs) may fail after the payment is safely stored.
            transaction.on_commit(lambda: committed.append(True))
            payment = _pay(session_id, payment_id, via)
    except PaymentClosed:
        raise
    except Exception:
        if not committed:
            raise
        log.warning(
            "payment=%s paid; a step after the commit failed (the ERP post is retried)",
            payment_id,
            exc_info=True,
        )
        payment = Payment.objects.get(pk=payment_id)
    return payment


def _pay(session_id: uuid.UUID, payment_id: uuid.UUID | str, via: str) -> Payment:
    session = ShoppingSession.objects.select_for_update().get(pk=session_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.state == PaymentState.PAID:
        return payment
    if payment.state != PaymentState.WAITING_FOR_TAG:
        log.error("payment=%s is %s but was paid via %s", payment.id, payment.state, via)
        raise PaymentClosed(f"this payment is {payment.state}: it cannot be paid")
    lines = list(BasketLine.objects.filter(session=session).select_related("product"))
    totals = basket_totals(lines)
    if session.basket_version != payment.basket_version or totals.total != payment.amount:
        log.error("payment=%s paid via %s for a basket that changed", payment.id, via)
        raise PaymentClosed("the basket changed after payment started: it cannot be paid")
    payment.state, payment.paid_at, payment.open_session = PaymentState.PAID, timezone.now(), None
    payment.save(update_fields=["state", "paid_at", "open_session", "updated_at"])
    order = Order.objects.create(
        number=new_order_number(),
        session=session,
        payment=payment,
        shopper_id=session.shopper_id,
        method=payment.method,
        total=totals.total,
        vat=[share.as_json() for share in totals.vat],
        lines=[receipt_line(line) for line in lines],
    )
    sessions.end_session(session=session, state=SessionState.PAID, reason=f"paid by {via}")
    erp.queue_order(order_id=order.number, lines=[erp_line(line) for line in lines])
    log.info("order=%s paid payment=%s via=%s total=%s", order.number, payment.id, via, order.total)
    return payment


def new_order_number() -> str:
    """`<STORE_ID>-<8 hex>`: the order id the ERP is given (unique, not guessable in sequence)."""
    while True:
        number = f"{settings.STORE_ID}-{secrets.token_hex(4)}"
        if not Order.objects.filter(number=number).exists():
            return number


def erp_line(line: BasketLine) -> OrderLine:
    # The ERP rounds quantity × unit price half up to the cent, as the basket does: same total.
    return OrderLine(line.product.code, line.quantity, line.unit_price)


def receipt_line(line: BasketLine) -> dict:
    return {
        "id": str(line.id),
        "barcode": line.barcode,
        "product_code": line.product.code,
        "name": line.name,
        "unit": line.unit,
        "unit_price": str(line.unit_price),
        "vat_rate": str(line.vat_rate),
        "quantity": str(line.quantity),
        "total": str(line.total),
        "weighed": line.weighed,
    }


# -- receipts


def orders_of(*, shopper) -> QuerySet[Order]:
    return Order.objects.filter(shopper=shopper).order_by("-created_at", "-id")


def own_order(*, shopper, order_id: uuid.UUID | str) -> Order:
    """The shopper's own order; Http404 for anyone else's (the same answer as a missing one)."""
    order = Order.objects.filter(shopper=shopper, pk=order_id).first()
    if order is None:
        raise Http404("You have no order with this id.")
    return order


def erp_orders(numbers: list[str]) -> dict[str, ErpOrder]:
    """The ERP records of these orders by number (an order not queued yet is absent)."""
    return {e.order_id: e for e in ErpOrder.objects.filter(order_id__in=numbers)}
