"""Alerts over the API, for staff: list and read them, acknowledge and resolve them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from onprem.core.permissions import ScopedAccess
from onprem.fleet.api.filters import valid_query
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination

from .. import services
from ..models import Alert
from .serializers import AlertFilters, AlertSerializer


class AlertConflict(APIException):
    status_code = 409
    default_code = "conflict"


ALERT_EXAMPLE = {
    "id": 41, "kind": "offline", "severity": "warning", "state": "acknowledged", "device_kind": "cart",
    "device_id": "cart-017", "title": "cart-017 is offline",
    "detail": "Flapping: went offline 4 times in a short while", "data": {"boot_id": "b-7f3a"},
    "raised_at": "2026-11-24T10:02:11.482Z", "updated_at": "2026-11-24T10:09:40.017Z", "occurrences": 4,
    "flapping": True, "acknowledged_by": "Anna", "acknowledged_at": "2026-11-24T10:09:40.017Z",
    "resolved_by": None, "resolved_at": None, "help_request": None,
}
NO_ALERT = OpenApiResponse(ErrorSerializer, "No alert with this id.")
ONE_ALERT = {
    "request": None,
    "responses": {200: AlertSerializer, 404: NO_ALERT},
    "examples": [OpenApiExample("alert", value=ALERT_EXAMPLE, response_only=True)],
}


class AlertPage(BoundedPagination):
    pass


@extend_schema_view(
    list=extend_schema(operation_id="alerts_list", parameters=[AlertFilters],
                       examples=[OpenApiExample("alerts", value=ALERT_EXAMPLE, response_only=True)]),
    retrieve=extend_schema(operation_id="alerts_retrieve", **ONE_ALERT),
)
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts raised by the store's rules: active first (unacknowledged help requests on top,
    then by severity, newest first), then resolved ones, newest first."""

    permission_classes = [ScopedAccess]
    required_scopes = ["staff"]
    serializer_class = AlertSerializer
    pagination_class = AlertPage
    queryset = Alert.objects.none()  # for the schema; get_queryset answers requests
    # No numeric regex on the id: a caller without the scope gets a 403 whatever the id, and a
    # non-number is a 404 from the lookup itself (DRF's get_object_or_404).

    def get_queryset(self):
        wanted = valid_query(AlertFilters, self.request.query_params) if self.action == "list" else {}
        return services.alerts_for_staff(**wanted)

    @extend_schema(operation_id="alerts_acknowledge",
                   **{**ONE_ALERT, "responses": {**ONE_ALERT["responses"],
                                                 409: OpenApiResponse(ErrorSerializer, "The alert is resolved.")}})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Say that you are on it: records who and when. Acknowledging an acknowledged alert
        changes nothing; a help alert acknowledges the shopper's help request too."""
        try:
            done = services.acknowledge(self.get_object(), request.user)
        except services.AlertRefused as exc:
            raise AlertConflict(str(exc)) from None
        return self.answer(done)

    @extend_schema(operation_id="alerts_resolve", **ONE_ALERT)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Done with it: records who and when. Resolving a resolved alert changes nothing."""
        return self.answer(services.resolve(self.get_object(), request.user))

    def answer(self, alert: Alert) -> Response:
        return Response(AlertSerializer(services.alerts_for_staff().get(pk=alert.pk)).data)
