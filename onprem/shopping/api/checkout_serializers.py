"""Payments, orders (the receipts) and the till's view of a payment.

Money is a string with two decimals ("12.34"), as everywhere in the shopper API.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from onprem.shopping.choices import PaymentMethod
from onprem.shopping.models import BasketLine, Order, Payment
from onprem.shopping.till import till_qr


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class CheckoutSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        help_text="cashless: a tag on the store's terminal; till: pay at a till with a code",
    )


class PaymentSerializer(serializers.ModelSerializer):
    amount = money(help_text="the basket total charged, VAT included")
    failure_reason = serializers.CharField(
        read_only=True, help_text="failed: the terminal's (or the till's) words; else empty"
    )
    till_code = serializers.CharField(
        read_only=True, allow_null=True, help_text="till: the code the cashier types; else null"
    )
    till_qr = serializers.SerializerMethodField(
        help_text="till: SMARTCART1:<store>:<till_code>:<amount>, to show as a QR; else null"
    )
    cancel_requested = serializers.BooleanField(
        read_only=True, help_text="the shopper asked to cancel; the terminal has the last word"
    )
    order = serializers.SerializerMethodField(help_text="the order's id once paid; else null")

    class Meta:
        model = Payment
        fields = [
            "id",
            "method",
            "state",
            "amount",
            "basket_version",
            "failure_reason",
            "till_code",
            "till_qr",
            "cancel_requested",
            "created_at",
            "paid_at",
            "order",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_till_qr(self, payment: Payment) -> str | None:
        return till_qr(payment)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_order(self, payment: Payment) -> str | None:
        if payment.state != "paid":
            return None
        order = getattr(payment, "order", None)
        return None if order is None else str(order.pk)


class ReceiptLineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    barcode = serializers.CharField()
    product_code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="un (each) or kg")
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    weighed = serializers.BooleanField()


class ReceiptVatSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    gross = serializers.DecimalField(max_digits=12, decimal_places=2)


class OrderSerializer(serializers.ModelSerializer):
    """A receipt. `context["erp"]` maps order numbers to their ErpOrder (see orders.erp_orders)."""

    total = money()
    vat = ReceiptVatSerializer(many=True, read_only=True)
    lines = ReceiptLineSerializer(many=True, read_only=True)
    invoice_number = serializers.SerializerMethodField(
        help_text="the ERP's invoice number once it has invoiced the order; else null"
    )
    erp_state = serializers.SerializerMethodField(
        help_text="pending (not in the ERP yet: it is posted when the ERP answers), posted, failed"
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "created_at",
            "method",
            "total",
            "vat",
            "lines",
            "invoice_number",
            "erp_state",
        ]
        read_only_fields = fields

    def _erp(self, order: Order):
        return self.context.get("erp", {}).get(order.number)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invoice_number(self, order: Order) -> str | None:
        erp = self._erp(order)
        return (erp.invoice_number or None) if erp else None

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "posted", "failed"]))
    def get_erp_state(self, order: Order) -> str:
        erp = self._erp(order)
        return erp.state if erp else "pending"


class TillLineSerializer(serializers.ModelSerializer):
    unit_price = money()
    total = money()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, read_only=True)

    class Meta:
        model = BasketLine
        fields = ["barcode", "name", "unit", "unit_price", "quantity", "total"]
        read_only_fields = fields


class TillPaymentSerializer(serializers.ModelSerializer):
    """What a till sees of a payment: the amount to take and the lines, never the shopper."""

    amount = money()
    cart = serializers.CharField(source="session.cart.device_id", read_only=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "till_code", "state", "amount", "cart", "lines", "created_at", "paid_at"]
        read_only_fields = fields

    @extend_schema_field(TillLineSerializer(many=True))
    def get_lines(self, payment: Payment) -> list:
        return TillLineSerializer(self.context.get("lines", []), many=True).data
