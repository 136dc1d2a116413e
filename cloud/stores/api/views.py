from __future__ import annotations

from rest_framework import viewsets

from cloud.core.permissions import OpsAccess
from cloud.stores.models import Store

from .serializers import StoreDetailSerializer, StoreSerializer


class StoreViewSet(viewsets.ReadOnlyModelViewSet):
    """The chain's stores: online or offline, and what their last heartbeat said."""

    queryset = Store.objects.all()
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_.-]{1,64}"
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_serializer_class(self):
        return StoreDetailSerializer if self.action == "retrieve" else StoreSerializer
