"""The shopper's sessions and basket over the API: pair with a cart, scan, change, end.

Views are thin: every lookup goes through sessions.own_session (someone else's id is a 404,
the same answer as a made-up one), the verbs live in sessions.py and basket.py.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from onprem.core.permissions import ScopedAccess
from onprem.shopping import basket, sessions
from onprem.shopping.models import BasketLine, HelpRequest, Payment
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination

from .serializers import (
    AddItemSerializer,
    BasketChangeSerializer,
    ChangeQuantitySerializer,
    PairSerializer,
    SessionConflictSerializer,
    SessionSerializer,
    basket_change_json,
)

SCOPES = ["shopper"]
SESSION_ID = "9b2e4c1a-55d3-4e0b-8f6a-0c1d2e3f4a5b"
LINE = {
    "id": "5d0c7e52-8a0e-4a51-9a51-0f4b8e0d2c11",
    "barcode": "5601234000016",
    "product_code": "P00001",
    "name": "Leite Mimosa 1 L",
    "unit": "un",
    "unit_price": "0.89",
    "vat_rate": "6.00",
    "quantity": "2.000",
    "total": "1.78",
    "weighed": False,
}
WEIGHED_LINE = {
    "id": "0c3a9b8e-7d6f-4e5a-8b9c-1d2e3f4a5b6c",
    "barcode": "2100001007546",
    "product_code": "P00005",
    "name": "Banana da Madeira",
    "unit": "kg",
    "unit_price": "1.49",
    "vat_rate": "6.00",
    "quantity": "0.754",
    "total": "1.12",
    "weighed": True,
}
TOTALS = {
    "lines": 2,
    "items": "2.754",
    "total": "2.90",
    "vat": [{"rate": "6.00", "net": "2.74", "vat": "0.16", "gross": "2.90"}],
}
SESSION = {
    "id": SESSION_ID,
    "state": "active",
    "cart": {"device_id": "cart-017", "name": "Cart 17"},
    "started_at": "2026-11-24T10:00:03.120Z",
    "ended_at": None,
    "end_reason": "",
    "basket_version": 3,
    "lines": [LINE, WEIGHED_LINE],
    "totals": TOTALS,
    "help_requests": [],
    "payment": None,
    "order": None,
}
EMPTY_SESSION = {
    **SESSION,
    "basket_version": 0,
    "lines": [],
    "totals": {"lines": 0, "items": "0.000", "total": "0.00", "vat": []},
}


def conflict(reason: str, detail: str, **extra) -> OpenApiExample:
    return OpenApiExample(
        reason,
        value={"error": "conflict", "detail": detail, "reason": reason, **extra},
        response_only=True,
        status_codes=["409"],
    )


def error(name: str, code: str, detail: str, status_code: str) -> OpenApiExample:
    return OpenApiExample(
        name,
        value={"error": code, "detail": detail},
        response_only=True,
        status_codes=[status_code],
    )


NOT_YOURS = OpenApiResponse(ErrorSerializer, "You have no shopping session with this id.")
FROZEN = OpenApiResponse(
    ErrorSerializer, "The basket is frozen while paying, or the session has ended."
)
FROZEN_EXAMPLES = [
    error("paying", "conflict", "the basket is frozen while paying", "409"),
    error("ended", "conflict", "this session has ended", "409"),
]


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


def refused(exc: sessions.SessionRefused) -> Response:
    body = {"error": "conflict", "detail": exc.detail, "reason": exc.reason}
    if exc.session_id is not None:
        body["session"] = str(exc.session_id)
    return Response(body, status=status.HTTP_409_CONFLICT)


def basket_refused(exc: basket.BasketError) -> APIException:
    if exc.status == 404:
        return NotFound(exc.detail)
    if exc.status == 409:
        return Conflict(exc.detail)
    return ValidationError(exc.detail)


def with_basket() -> list:
    """Everything the session body shows, in a fixed number of queries."""
    return [
        Prefetch(
            "lines",
            queryset=BasketLine.objects.select_related("product").order_by("added_at", "id"),
        ),
        Prefetch(
            "help_requests",
            queryset=HelpRequest.objects.select_related("acknowledged_by").order_by(
                "-created_at", "id"
            ),
        ),
        Prefetch("payments", queryset=Payment.objects.order_by("-created_at", "id")),
        "order",
    ]


def session_body(session) -> dict:
    prefetch_related_objects([session], *with_basket())
    return SessionSerializer(session).data


class SessionPage(BoundedPagination):
    pass


class PairingMisses(SimpleRateThrottle):
    """Codes no cart has, per shopper (SMARTCART_PAIRING_RATE, e.g. 10/min): past the rate a
    shopper must wait, so cart codes cannot be guessed in bulk. Pairing with real codes (in
    use, offline, paired) never counts: a shopper walking along the rack is not slowed."""

    scope = "shopper_pairing"

    def get_rate(self) -> str | None:
        # Read at each request, not at import: the rate is a setting.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def throttle_success(self) -> bool:
        return True  # a try is counted only once it missed: see record_miss

    def record_miss(self) -> None:
        if self.rate is not None and self.key is not None:
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)


class SessionListView(generics.GenericAPIView):
    """Pair with a cart (start a session), or list your sessions, newest first."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = SessionSerializer
    pagination_class = SessionPage

    @extend_schema(
        operation_id="shopper_sessions_list",
        responses={200: SessionSerializer(many=True)},
        examples=[OpenApiExample("sessions", value=[SESSION], response_only=True)],
    )
    def get(self, request):
        found = sessions.sessions_of(shopper=request.user).prefetch_related(*with_basket())
        page = self.paginate_queryset(found)
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="shopper_sessions_create",
        request=PairSerializer,
        responses={
            201: SessionSerializer,
            404: OpenApiResponse(ErrorSerializer, "No cart carries this code."),
            409: OpenApiResponse(
                SessionConflictSerializer,
                "The cart cannot be paired now; `reason` says why (in_use, already_shopping, "
                "offline, maintenance, fault, low_battery).",
            ),
            429: OpenApiResponse(
                ErrorSerializer, "Too many codes that no cart has: wait and retry."
            ),
        },
        examples=[
            OpenApiExample("pair", value={"cart_code": "7K3M-9QXA"}, request_only=True),
            OpenApiExample("paired", value=EMPTY_SESSION, response_only=True, status_codes=["201"]),
            error(
                "unknown code", "not_found", "no cart in this store has the code 7K3M9QXB", "404"
            ),
            conflict("in_use", "cart cart-017 is in use by another shopper"),
            conflict(
                "already_shopping",
                "you already have an open shopping session: go back to it, or end it first",
                session=SESSION_ID,
            ),
            conflict("offline", "cart cart-017 is offline: take another cart from the rack"),
            conflict("maintenance", "cart cart-017 is in maintenance: take another cart"),
            conflict("fault", "cart cart-017 reports a fault: take another cart"),
            conflict(
                "low_battery",
                "cart cart-017 has 22 % battery, below the 30 % a shopping trip needs: "
                "take another cart",
            ),
        ],
    )
    def post(self, request):
        misses = PairingMisses()
        if not misses.allow_request(request, self):
            raise Throttled(misses.wait(), "Too many codes that no cart has: wait and retry.")
        wanted = PairSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        try:
            session = sessions.pair_cart(
                shopper=request.user, cart_code=wanted.validated_data["cart_code"]
            )
        except sessions.CartNotFound as exc:
            misses.record_miss()
            raise NotFound(str(exc)) from None
        except sessions.SessionRefused as exc:
            return refused(exc)
        return Response(session_body(session), status=status.HTTP_201_CREATED)


class SessionDetailView(generics.GenericAPIView):
    """One of your sessions: the cart, the basket's lines and totals, help, payment, order."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="shopper_sessions_retrieve",
        responses={200: SessionSerializer, 404: NOT_YOURS},
        examples=[OpenApiExample("session", value=SESSION, response_only=True)],
    )
    def get(self, request, session_id):
        session = sessions.own_session(shopper=request.user, session_id=session_id)
        return Response(session_body(session))


class SessionEndView(generics.GenericAPIView):
    """Give up: the session ends without buying (`abandoned`) and the cart is released.
    Refused while a payment is under way (cancel it first)."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="shopper_sessions_end",
        request=None,
        responses={
            200: SessionSerializer,
            404: NOT_YOURS,
            409: OpenApiResponse(
                SessionConflictSerializer, "A payment is under way, or the session has ended."
            ),
        },
        examples=[
            OpenApiExample(
                "ended",
                value={
                    **EMPTY_SESSION,
                    "state": "abandoned",
                    "ended_at": "2026-11-24T10:09:41.204Z",
                    "end_reason": "ended by the shopper",
                },
                response_only=True,
                status_codes=["200"],
            ),
            conflict("paying", "a payment is under way: cancel it before ending the session"),
            conflict("ended", "this session has ended"),
        ],
    )
    def post(self, request, session_id):
        session = sessions.own_session(shopper=request.user, session_id=session_id)
        try:
            session = sessions.abandon_session(session=session)
        except sessions.SessionRefused as exc:
            return refused(exc)
        return Response(session_body(session))


class BasketItemsView(generics.GenericAPIView):
    """Scan a product into the basket. The same packaged product scanned again adds to its
    line; a scale's label (EAN-13 starting with 2) is a line of its own, priced by the weight
    or the price it carries."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = BasketChangeSerializer

    @extend_schema(
        operation_id="shopper_basket_add",
        request=AddItemSerializer,
        responses={
            201: BasketChangeSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                "A bad body, a wrong check digit, a quantity out of range, or a product sold by "
                "weight scanned without its scale label.",
            ),
            404: OpenApiResponse(
                ErrorSerializer, "No such session of yours, or no product has this barcode."
            ),
            409: FROZEN,
        },
        examples=[
            OpenApiExample("scan", value={"barcode": "5601234000016"}, request_only=True),
            OpenApiExample(
                "scan two", value={"barcode": "5601234000016", "quantity": 2}, request_only=True
            ),
            OpenApiExample(
                "scale label (754 g)", value={"barcode": "2100001007546"}, request_only=True
            ),
            OpenApiExample(
                "added",
                value={"line": LINE, "warnings": [], "totals": TOTALS},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "added, out of stock",
                value={
                    "line": LINE,
                    "warnings": [
                        "Leite Mimosa 1 L is out of stock according to the store's system"
                    ],
                    "totals": TOTALS,
                },
                response_only=True,
                status_codes=["201"],
            ),
            error(
                "unknown barcode",
                "not_found",
                "no product in this store has barcode 5601234999990",
                "404",
            ),
            error(
                "check digit",
                "invalid",
                "barcode 2100001007547 has a wrong check digit: it was misread or mistyped",
                "400",
            ),
            *FROZEN_EXAMPLES,
        ],
    )
    def post(self, request, session_id):
        # The hot path: add_item checks the session is the caller's in the UPDATE that locks
        # it, so a foreign id is a 404 there (docs/benchmarks.md, "Shopping").
        session = basket.session_reference(shopper=request.user, session_id=session_id)
        wanted = AddItemSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        try:
            change = basket.add_item(session=session, **wanted.validated_data)
        except basket.BasketError as exc:
            raise basket_refused(exc) from None
        return Response(basket_change_json(change), status=status.HTTP_201_CREATED)


class BasketLineView(generics.GenericAPIView):
    """One line of the basket: change how many (packaged products only), or remove it.
    A PATCH without `quantity` changes nothing and answers the line as it is."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = BasketChangeSerializer

    @extend_schema(
        operation_id="shopper_basket_change",
        request=ChangeQuantitySerializer,
        responses={
            200: BasketChangeSerializer,
            400: OpenApiResponse(
                ErrorSerializer, "A quantity out of 1..99, or a weighed line (its label's)."
            ),
            404: OpenApiResponse(ErrorSerializer, "No such session of yours, or no such line."),
            409: FROZEN,
        },
        examples=[
            OpenApiExample("three", value={"quantity": 3}, request_only=True),
            OpenApiExample(
                "changed",
                value={
                    "line": {**LINE, "quantity": "3.000", "total": "2.67"},
                    "warnings": [],
                    "totals": {**TOTALS, "items": "3.754", "total": "3.79"},
                },
                response_only=True,
                status_codes=["200"],
            ),
            *FROZEN_EXAMPLES,
        ],
    )
    def patch(self, request, session_id, line_id):
        session = sessions.own_session(shopper=request.user, session_id=session_id)
        # A PATCH names only what changes (the schema says so too): no quantity, no change.
        wanted = ChangeQuantitySerializer(data=request.data, partial=True)
        wanted.is_valid(raise_exception=True)
        quantity = wanted.validated_data.get("quantity")
        try:
            if quantity is None:
                change = basket.line_as_it_is(session=session, line_id=line_id)
            else:
                change = basket.change_quantity(session=session, line_id=line_id, quantity=quantity)
        except basket.BasketError as exc:
            raise basket_refused(exc) from None
        return Response(basket_change_json(change))

    @extend_schema(
        operation_id="shopper_basket_remove",
        request=None,
        responses={
            204: None,
            404: OpenApiResponse(ErrorSerializer, "No such session of yours, or no such line."),
            409: FROZEN,
        },
        examples=FROZEN_EXAMPLES,
    )
    def delete(self, request, session_id, line_id):
        session = sessions.own_session(shopper=request.user, session_id=session_id)
        try:
            basket.remove_line(session=session, line_id=line_id)
        except basket.BasketError as exc:
            raise basket_refused(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
