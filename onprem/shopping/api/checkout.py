"""Checkout (shopper), receipts (shopper) and the till's two calls (integration token).

Views are thin: onprem.shopping.checkout / orders / till hold the rules.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.core.permissions import ScopedAccess
from onprem.shopping import checkout, orders, till
from onprem.shopping.sessions import own_session
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination

from .checkout_serializers import (
    CheckoutSerializer,
    OrderSerializer,
    PaymentSerializer,
    TillPaymentSerializer,
)
from .sessions import LINE

SHOPPER = ["shopper"]
TILL = ["integration"]


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


def refused(exc: Exception, status: int = 409) -> APIException:
    detail = str(getattr(exc, "detail", exc))
    if status == 400:
        return ValidationError(detail)
    if status == 404:
        return NotFound(detail)
    return Conflict(detail)


WAITING = {
    "id": "5b0c1a9e-8f5e-4c55-9a57-0d5f1f3b2a10",
    "method": "cashless",
    "state": "waiting_for_tag",
    "amount": "12.34",
    "basket_version": 7,
    "failure_reason": "",
    "till_code": None,
    "till_qr": None,
    "cancel_requested": False,
    "created_at": "2026-11-24T10:00:00Z",
    "paid_at": None,
    "order": None,
}
PAID = {
    **WAITING,
    "state": "paid",
    "paid_at": "2026-11-24T10:00:09Z",
    "order": "0e7c8a52-3b1d-4c9f-8e0a-5d6b7c8d9e01",
}
FAILED = {
    **WAITING,
    "state": "failed",
    "failure_reason": "not enough credits on nfc tag 04AA000000020: the cart costs 12.34, "
    "the tag holds 1.50",
}
AT_TILL = {
    **WAITING,
    "method": "till",
    "till_code": "K7CM3Q",
    "till_qr": "SMARTCART1:store-001:K7CM3Q:12.34",
}
ORDER = {
    "id": "0e7c8a52-3b1d-4c9f-8e0a-5d6b7c8d9e01",
    "number": "store-001-9f86d081",
    "created_at": "2026-11-24T10:00:09Z",
    "method": "cashless",
    "total": "12.34",
    "vat": [{"rate": "6.00", "net": "11.64", "vat": "0.70", "gross": "12.34"}],
    "lines": [LINE],
    "invoice_number": "000000042",
    "erp_state": "posted",
}
ERROR_409 = OpenApiResponse(ErrorSerializer, "The session has ended, or nothing can be cancelled.")
ERROR_404 = OpenApiResponse(ErrorSerializer, "You have no session (or payment) with this id.")


class CheckoutView(APIView):
    """Pay the basket of one of your sessions: start, follow, cancel."""

    permission_classes = [ScopedAccess]
    required_scopes = SHOPPER

    @extend_schema(
        operation_id="shopper_checkout_start",
        request=CheckoutSerializer,
        responses={
            202: PaymentSerializer,
            200: OpenApiResponse(
                PaymentSerializer, "A payment already waits or is paid: that one."
            ),
            400: OpenApiResponse(ErrorSerializer, "The basket is empty, or method is invalid."),
            404: ERROR_404,
            409: ERROR_409,
        },
        examples=[
            OpenApiExample("cashless", value={"method": "cashless"}, request_only=True),
            OpenApiExample("till", value={"method": "till"}, request_only=True),
            OpenApiExample("started", value=WAITING, response_only=True, status_codes=["202"]),
            OpenApiExample("at the till", value=AT_TILL, response_only=True, status_codes=["202"]),
            OpenApiExample("retried", value=PAID, response_only=True, status_codes=["200"]),
            OpenApiExample(
                "empty basket",
                value={"error": "invalid", "detail": "the basket is empty: scan something first"},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, session_id):
        wanted = CheckoutSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        session = own_session(shopper=request.user, session_id=session_id)
        try:
            payment, created = checkout.start_checkout(
                session=session, method=wanted.validated_data["method"]
            )
        except checkout.CheckoutError as exc:
            raise refused(exc, exc.status) from None
        payment.refresh_from_db()  # eager mode: the start task may have run already
        return Response(PaymentSerializer(payment).data, status=202 if created else 200)

    @extend_schema(
        operation_id="shopper_checkout_status",
        responses={200: PaymentSerializer, 404: ERROR_404},
        examples=[
            OpenApiExample("waiting", value=WAITING, response_only=True),
            OpenApiExample("paid", value=PAID, response_only=True),
            OpenApiExample("failed", value=FAILED, response_only=True),
        ],
    )
    def get(self, request, session_id):
        """The latest payment of the session, brought up to date with the terminal. Poll it
        every half second or so while it is waiting_for_tag."""
        session = own_session(shopper=request.user, session_id=session_id)
        payment = checkout.latest_payment(session=session)
        if payment is None:
            raise NotFound("This session has no payment yet.")
        payment = checkout.refresh_payment(payment=payment)
        return Response(PaymentSerializer(payment).data)

    @extend_schema(
        operation_id="shopper_checkout_cancel",
        request=None,
        responses={202: PaymentSerializer, 404: ERROR_404, 409: ERROR_409},
        examples=[
            OpenApiExample(
                "cancelled",
                value={**WAITING, "state": "cancelled", "cancel_requested": True},
                response_only=True,
                status_codes=["202"],
            )
        ],
    )
    def delete(self, request, session_id):
        """Ask to cancel the waiting payment. The terminal has the last word: cancelled, or
        paid when a tag paid first; until it answers the payment stays waiting_for_tag with
        cancel_requested true."""
        session = own_session(shopper=request.user, session_id=session_id)
        try:
            payment = checkout.cancel_checkout(session=session)
        except checkout.CheckoutError as exc:
            raise refused(exc, exc.status) from None
        return Response(PaymentSerializer(payment).data, status=202)


class OrderPage(BoundedPagination):
    pass


class OrderList(generics.ListAPIView):
    """Your orders (receipts), newest first."""

    permission_classes = [ScopedAccess]
    required_scopes = SHOPPER
    serializer_class = OrderSerializer
    pagination_class = OrderPage

    def get_queryset(self):
        return orders.orders_of(shopper=self.request.user)

    def get_serializer(self, *args, **kwargs):
        page = args[0] if args else []
        kwargs["context"] = {
            **self.get_serializer_context(),
            "erp": orders.erp_orders([o.number for o in page]),
        }
        return OrderSerializer(*args, **kwargs)

    @extend_schema(
        operation_id="shopper_orders_list",
        examples=[OpenApiExample("receipt", value=ORDER, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderDetail(APIView):
    permission_classes = [ScopedAccess]
    required_scopes = SHOPPER

    @extend_schema(
        operation_id="shopper_order",
        responses={200: OrderSerializer, 404: OpenApiResponse(ErrorSerializer, "No such order.")},
        examples=[OpenApiExample("receipt", value=ORDER, response_only=True)],
    )
    def get(self, request, order_id):
        """One of your orders: the receipt, with the ERP's invoice number once it exists."""
        order = orders.own_order(shopper=request.user, order_id=order_id)
        context = {"erp": orders.erp_orders([order.number])}
        return Response(OrderSerializer(order, context=context).data)


TILL_PAYMENT = {
    "id": WAITING["id"],
    "till_code": "K7CM3Q",
    "state": "waiting_for_tag",
    "amount": "12.34",
    "cart": "cart-017",
    "lines": [
        {
            "barcode": "5601234000016",
            "name": "Leite Mimosa 1 L",
            "unit": "un",
            "unit_price": "0.89",
            "quantity": "2.000",
            "total": "1.78",
        }
    ],
    "created_at": "2026-11-24T10:00:00Z",
    "paid_at": None,
}


def till_view(payment) -> dict:
    return TillPaymentSerializer(payment, context={"lines": till.till_lines(payment)}).data


class TillPaymentView(APIView):
    """A till reads a payment by the code the shopper shows (integration token)."""

    permission_classes = [ScopedAccess]
    required_scopes = TILL

    @extend_schema(
        operation_id="till_payment",
        responses={
            200: TillPaymentSerializer,
            404: OpenApiResponse(ErrorSerializer, "No such code."),
        },
        examples=[OpenApiExample("to pay", value=TILL_PAYMENT, response_only=True)],
    )
    def get(self, request, till_code: str):
        return Response(till_view(till.till_payment(till_code=till_code)))


class TillPaidView(APIView):
    permission_classes = [ScopedAccess]
    required_scopes = TILL

    @extend_schema(
        operation_id="till_payment_paid",
        request=None,
        responses={
            200: TillPaymentSerializer,
            404: OpenApiResponse(ErrorSerializer, "No such code."),
            409: OpenApiResponse(
                ErrorSerializer, "The payment was cancelled or failed, or its basket changed."
            ),
        },
        examples=[
            OpenApiExample(
                "paid",
                value={**TILL_PAYMENT, "state": "paid", "paid_at": "2026-11-24T10:02:00Z"},
                response_only=True,
            )
        ],
    )
    def post(self, request, till_code: str):
        """The till took the money: the payment is paid, the order made, the cart released.
        Calling it again for a paid payment changes nothing (200)."""
        try:
            payment = till.pay_at_till(till_code=till_code)
        except orders.PaymentClosed as exc:
            raise Conflict(str(exc)) from None
        return Response(till_view(payment))
