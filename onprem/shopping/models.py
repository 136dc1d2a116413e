"""A shopper's visit: the session on a cart, its basket lines, help requests, payments, order.

Ids are UUIDs: they travel in the app's URLs, and a shopper must not be able to guess the
next shopper's basket (every lookup is filtered by owner anyway: a foreign id is a 404).

"One open session per cart and per shopper" is a unique column that holds the cart (or the
shopper) while the session is open and NULL after: MariaDB has no partial unique index, and
NULLs never collide, so the database itself refuses a second open session.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from onprem.catalog.models import Product
from onprem.fleet.models import Cart

from .choices import HelpSource, HelpState, PaymentMethod, PaymentState, SessionState


class ShoppingSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shopping_sessions"
    )
    cart = models.ForeignKey(Cart, on_delete=models.PROTECT, related_name="shopping_sessions")
    state = models.CharField(
        max_length=10, choices=SessionState.choices, default=SessionState.ACTIVE
    )
    # Set while open (active or paying), NULL once ended: see the module docstring.
    open_cart = models.OneToOneField(
        Cart, null=True, blank=True, on_delete=models.PROTECT, related_name="open_session"
    )
    open_shopper = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open_shopping_session",
    )
    # Bumped by every basket change: a payment records the version it charged, so a basket
    # changed after payment started can never be paid at the old total.
    basket_version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["shopper", "-started_at"], name="session_by_shopper"),
            models.Index(fields=["started_at"], name="session_by_start"),
        ]

    def __str__(self) -> str:
        return f"{self.cart_id} {self.state} {self.id}"


class BasketLine(models.Model):
    """One scanned product in a basket, with the name and price it had when scanned."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(ShoppingSession, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    barcode = models.CharField(max_length=14)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=8, help_text="un (each) or kg")
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="per unit or per kg, VAT included"
    )
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="units, or kg for weighed goods"
    )
    total = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="VAT included, rounded half up to the cent"
    )
    # Priced from the barcode's embedded weight or price: its quantity is the label's, not the shopper's.
    weighed = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class HelpRequest(models.Model):
    """A shopper asking staff for help, from the app or the cart's own button."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        ShoppingSession,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="help_requests",
    )
    cart = models.ForeignKey(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=12, choices=HelpSource.choices)
    reason = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=12, choices=HelpState.choices, default=HelpState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A cart button press is a device event: "<device>/<boot_id>/<seq>", unique, so the same
    # event delivered twice raises one request.
    event_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-created_at"], name="help_by_state")]

    def __str__(self) -> str:
        return f"help {self.state} {self.cart_id}"


class Payment(models.Model):
    """One attempt to pay a basket: on the cashless terminal or at a till."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(ShoppingSession, on_delete=models.PROTECT, related_name="payments")
    # Set while the payment waits, NULL after: one payment under way per session (see above).
    open_session = models.OneToOneField(
        ShoppingSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open_payment",
    )
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    state = models.CharField(
        max_length=16, choices=PaymentState.choices, default=PaymentState.WAITING_FOR_TAG
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    basket_version = models.PositiveIntegerField()
    cashless_job_id = models.UUIDField(null=True, blank=True, unique=True)
    till_code = models.CharField(max_length=12, null=True, blank=True, unique=True)
    cancel_requested = models.BooleanField(default=False)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.method} {self.state} {self.amount}"


class Order(models.Model):
    """What a paid session bought: the receipt. `number` is the order id the ERP is given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=64, unique=True)
    session = models.OneToOneField(ShoppingSession, on_delete=models.PROTECT, related_name="order")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="order")
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shopping_orders"
    )
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.JSONField(help_text="[{rate, net, vat, gross}] per VAT rate, as strings")
    lines = models.JSONField(help_text="the basket lines as paid")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["shopper", "-created_at"], name="order_by_shopper")]

    def __str__(self) -> str:
        return self.number
