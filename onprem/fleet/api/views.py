from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination

from onprem.core.permissions import ScopedAccess
from onprem.fleet.models import Cart, CartReading, DeadLetter, Rack, Slot

from . import serializers
from .filters import filter_carts

READ_SCOPES = ["staff", "ops"]


class TelemetryPage(CursorPagination):
    ordering = "-ts"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000


class RackViewSet(viewsets.ReadOnlyModelViewSet):
    """Racks, each with its slots and the cart docked in each."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.RackSerializer
    lookup_field = "device_id"
    queryset = Rack.objects.prefetch_related(Prefetch("slots", Slot.objects.select_related("cart")))


class CartViewSet(viewsets.ReadOnlyModelViewSet):
    """Carts with their latest battery, health, dock, firmware and online state."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.CartSerializer
    lookup_field = "device_id"

    def get_queryset(self):
        return filter_carts(Cart.objects.select_related("state__dock_slot__rack"), self.request.query_params)

    @extend_schema(parameters=[serializers.TelemetryRangeSerializer], responses=serializers.CartReadingSerializer(many=True))
    @action(detail=True, pagination_class=TelemetryPage)
    def telemetry(self, request, device_id=None):
        """The cart's telemetry history, newest first, in a time range (cursor-paginated)."""
        cart = self.get_object()
        window = serializers.TelemetryRangeSerializer(data=request.query_params)
        window.is_valid(raise_exception=True)
        readings = CartReading.objects.filter(device_id=cart.device_id)
        if "since" in window.validated_data:
            readings = readings.filter(ts__gte=window.validated_data["since"])
        if "until" in window.validated_data:
            readings = readings.filter(ts__lt=window.validated_data["until"])
        page = self.paginate_queryset(readings)
        return self.get_paginated_response(serializers.CartReadingSerializer(page, many=True).data)


class DeadLetterViewSet(viewsets.ReadOnlyModelViewSet):
    """Messages ingest refused, with the reason, newest first."""

    permission_classes = [ScopedAccess]
    required_scopes = READ_SCOPES
    serializer_class = serializers.DeadLetterSerializer
    queryset = DeadLetter.objects.all()
