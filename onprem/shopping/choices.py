"""The states of a shopper's visit, its help requests and its payments."""

from __future__ import annotations

from django.db import models


class SessionState(models.TextChoices):
    ACTIVE = "active"  # paired, scanning
    PAYING = "paying"  # a payment is under way: the basket is frozen
    PAID = "paid"  # ended with an order
    ABANDONED = "abandoned"  # ended without buying (the shopper, staff, or a timeout)


OPEN_SESSION_STATES = (SessionState.ACTIVE, SessionState.PAYING)


class HelpSource(models.TextChoices):
    APP = "app"
    CART_BUTTON = "cart_button"


class HelpState(models.TextChoices):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class PaymentMethod(models.TextChoices):
    CASHLESS = "cashless"
    TILL = "till"


class PaymentState(models.TextChoices):
    WAITING_FOR_TAG = (
        "waiting_for_tag"  # cashless: the job is on the terminal; till: waiting at the till
    )
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_PAYMENT_STATES = (PaymentState.WAITING_FOR_TAG,)
