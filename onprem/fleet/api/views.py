from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action

from onprem.core.permissions import ScopedAccess
from onprem.fleet.models import Cart, CartReading, DeadLetter, Rack, Slot
from tierkit.api.pagination import BoundedCursorPagination, BoundedPagination

from . import serializers
from .filters import CartFilters, TelemetryRange, filter_carts, valid_query

READ_SCOPES = ["staff", "ops"]


class TelemetryPage(BoundedCursorPagination):
    ordering = "-ts"


class DeadLetterPage(BoundedPagination):
    # A dead letter keeps up to 4 KiB of payload, which JSON may escape to 24 KiB
    # (\u0001 for each control byte): 100 of them stay a few MB at worst.
    max_limit = 100


class RackViewSet(viewsets.ReadOnlyModelViewSet):
    """Racks, each with its slots and the cart docked in each."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.RackSerializer
    lookup_field = "device_id"
    queryset = Rack.objects.prefetch_related(Prefetch("slots", Slot.objects.select_related("cart")))


@extend_schema_view(list=extend_schema(parameters=[CartFilters]))
class CartViewSet(viewsets.ReadOnlyModelViewSet):
    """Carts with their latest battery, health, dock, firmware and online state."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.CartSerializer
    lookup_field = "device_id"

    def get_queryset(self):
        return filter_carts(Cart.objects.select_related("state__dock_slot__rack"), self.request.query_params)

    @extend_schema(parameters=[TelemetryRange], responses=serializers.CartReadingSerializer(many=True))
    @action(detail=True, pagination_class=TelemetryPage)
    def telemetry(self, request, device_id=None):
        """The cart's telemetry history, newest first, in a time range (cursor-paginated)."""
        cart = self.get_object()
        window = valid_query(TelemetryRange, request.query_params)
        readings = CartReading.objects.filter(device_id=cart.device_id)
        if "since" in window:
            readings = readings.filter(ts__gte=window["since"])
        if "until" in window:
            readings = readings.filter(ts__lt=window["until"])
        page = self.paginate_queryset(readings)
        return self.get_paginated_response(serializers.CartReadingSerializer(page, many=True).data)


class DeadLetterViewSet(viewsets.ReadOnlyModelViewSet):
    """Messages ingest refused, with the reason, newest first."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.DeadLetterSerializer
    pagination_class = DeadLetterPage
    queryset = DeadLetter.objects.all()
