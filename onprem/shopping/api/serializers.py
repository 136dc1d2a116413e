"""The shopper's session, its basket lines and totals, and the bodies that change a basket.

Money is a string with two decimals ("12.34"), quantities a string with three ("0.754" kg,
"2.000" units): Decimal end to end, never a float in JSON.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from onprem.shopping.basket import MAX_UNITS, BasketChange
from onprem.shopping.models import BasketLine, ShoppingSession
from onprem.shopping.money import Totals, basket_totals

from .checkout_serializers import PaymentSerializer
from .fields import PatternField, StrictIntegerField, TextField
from .help_serializers import HelpSerializer

BARCODE_PATTERN = r"^[0-9]{1,14}$"


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class LineSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    unit_price = money(help_text="per unit, or per kg for a line sold by weight; VAT included")
    total = money(help_text="quantity × unit price, rounded half up to the cent")
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, read_only=True, help_text="units, or kg (unit kg)"
    )
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, help_text="percent"
    )
    weighed = serializers.BooleanField(
        read_only=True,
        help_text="priced from a scale's label (weight or price): its quantity cannot change",
    )

    class Meta:
        model = BasketLine
        fields = [
            "id",
            "barcode",
            "product_code",
            "name",
            "unit",
            "unit_price",
            "vat_rate",
            "quantity",
            "total",
            "weighed",
        ]
        read_only_fields = fields


class VatShareSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="percent")
    net = money()
    vat = money()
    gross = money()


class TotalsSerializer(serializers.Serializer):
    lines = serializers.IntegerField(help_text="lines in the basket")
    items = serializers.DecimalField(
        max_digits=12, decimal_places=3, help_text="units plus kg: a count for a badge, not money"
    )
    total = money(help_text="what the shopper pays, VAT included")
    vat = VatShareSerializer(many=True, help_text="the VAT inside the total, per rate")


class SessionCartSerializer(serializers.Serializer):
    device_id = serializers.CharField()
    name = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    cart = SessionCartSerializer(read_only=True)
    lines = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    help_requests = HelpSerializer(many=True, read_only=True)
    payment = serializers.SerializerMethodField(help_text="the latest payment; null if none")
    order = serializers.SerializerMethodField(help_text="the order's id once paid; else null")

    class Meta:
        model = ShoppingSession
        fields = [
            "id",
            "state",
            "cart",
            "started_at",
            "ended_at",
            "end_reason",
            "basket_version",
            "lines",
            "totals",
            "help_requests",
            "payment",
            "order",
        ]
        read_only_fields = fields

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, session: ShoppingSession) -> list:
        return LineSerializer(session.lines.all(), many=True).data

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, session: ShoppingSession) -> dict:
        return TotalsSerializer(basket_totals(session.lines.all())).data

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, session: ShoppingSession) -> dict | None:
        latest = next(iter(session.payments.all()), None)
        return None if latest is None else PaymentSerializer(latest, context=self.context).data

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_order(self, session: ShoppingSession) -> str | None:
        order = getattr(session, "order", None)
        return None if order is None else str(order.pk)


class PairSerializer(serializers.Serializer):
    cart_code = TextField(
        max_length=40,
        help_text="the code printed on the cart (its QR): case and dashes do not matter",
    )


class AddItemSerializer(serializers.Serializer):
    barcode = PatternField(
        BARCODE_PATTERN,
        max_length=14,
        help_text="the digits the app scanned (EAN-13, EAN-8, UPC-A, GTIN-14, or a scale's "
        "label 2T IIIII VVVVV C)",
        error_messages={"invalid": "a barcode is 1 to 14 digits"},
    )
    quantity = StrictIntegerField(
        min_value=1,
        max_value=MAX_UNITS,
        default=1,
        help_text=f"units, 1..{MAX_UNITS}; a weighed item takes its quantity from its label (1)",
    )


class ChangeQuantitySerializer(serializers.Serializer):
    quantity = StrictIntegerField(min_value=1, max_value=MAX_UNITS)


class BasketChangeSerializer(serializers.Serializer):
    line = LineSerializer()
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="sentences for the shopper, e.g. that the store's system shows no stock",
    )
    totals = TotalsSerializer()


def line_json(line: BasketLine) -> dict:
    """LineSerializer's output, written out: scan-and-add is the API's hottest call, and
    building DRF fields for every scan costs more than the scan's own statements."""
    return {
        "id": str(line.pk),
        "barcode": line.barcode,
        "product_code": line.product.code,
        "name": line.name,
        "unit": line.unit,
        "unit_price": f"{line.unit_price:.2f}",
        "vat_rate": f"{line.vat_rate:.2f}",
        "quantity": f"{line.quantity:.3f}",
        "total": f"{line.total:.2f}",
        "weighed": line.weighed,
    }


def totals_json(totals: Totals) -> dict:
    """TotalsSerializer's output, written out (see line_json)."""
    return {
        "lines": totals.lines,
        "items": f"{totals.items:.3f}",
        "total": f"{totals.total:.2f}",
        "vat": [
            {
                "rate": f"{share.rate:.2f}",
                "net": f"{share.net:.2f}",
                "vat": f"{share.vat:.2f}",
                "gross": f"{share.gross:.2f}",
            }
            for share in totals.vat
        ],
    }


def basket_change_json(change: BasketChange) -> dict:
    """BasketChangeSerializer's output (tests/onprem/shopping/basket pins the two equal)."""
    return {
        "line": line_json(change.line),
        "warnings": list(change.warnings),
        "totals": totals_json(change.totals),
    }


class SessionConflictSerializer(serializers.Serializer):
    """A 409 from pairing or ending: why, as a sentence and as a word the app can switch on."""

    error = serializers.CharField()
    detail = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=[
            "in_use",
            "already_shopping",
            "offline",
            "maintenance",
            "fault",
            "low_battery",
            "updating",
            "paying",
            "ended",
        ]
    )
    session = serializers.UUIDField(
        required=False, help_text="already_shopping: the session you have open"
    )

    class Meta:
        ref_name = "SessionConflict"
