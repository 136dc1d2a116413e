"""Paying at a till: a short code the cashier types or scans, and the till confirming payment.

The code is six characters of an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B),
so a cashier can read it off a phone; the QR carries the same code with the store and the
amount: `SMARTCART1:<store>:<till_code>:<amount>`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import Http404

from .models import BasketLine, Payment

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_till_code() -> str:
    """A code no payment has used yet (the column is unique: a race still fails loudly)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not Payment.objects.filter(till_code=code).exists():
            return code


def normalise_till_code(code: str) -> str:
    return code.strip().upper()


def till_qr(payment: Payment) -> str | None:
    if not payment.till_code:
        return None
    return f"SMARTCART1:{settings.STORE_ID}:{payment.till_code}:{payment.amount}"


def till_payment(*, till_code: str) -> Payment:
    """The till payment with this code; Http404 when there is none."""
    payment = (
        Payment.objects.filter(till_code=normalise_till_code(till_code))
        .select_related("session__cart")
        .first()
    )
    if payment is None:
        raise Http404("No till payment has this code.")
    return payment


def till_lines(payment: Payment) -> list[BasketLine]:
    return list(BasketLine.objects.filter(session_id=payment.session_id))


def pay_at_till(*, till_code: str) -> Payment:
    """The till took the money: the payment is paid (again: unchanged)."""
    from . import orders

    payment = till_payment(till_code=till_code)
    return orders.record_paid(payment_id=payment.pk, via=f"till code {payment.till_code}")
