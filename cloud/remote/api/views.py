from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from cloud.core.permissions import OpsAccess
from cloud.remote.models import RemoteRequest
from cloud.remote.services import audit_visible_to

from .serializers import AuditQuerySerializer, RemoteRequestSerializer


@extend_schema(parameters=[AuditQuerySerializer])
class RemoteAuditViewSet(viewsets.ReadOnlyModelViewSet):
    """Every request made through a store's tunnel, refused ones included; newest first."""

    serializer_class = RemoteRequestSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]
    # Only for the schema (the id's type); every lookup goes through get_queryset, by who asks.
    queryset = RemoteRequest.objects.none()

    def get_queryset(self):
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        rows = audit_visible_to(self.request.user)
        store = query.validated_data.get("store")
        return rows.filter(store_code=store) if store else rows
