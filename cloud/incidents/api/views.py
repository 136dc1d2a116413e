"""Incidents, read-only (scope ops): the list with filters, one with its history, a store's."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets

from cloud.core.permissions import OpsAccess
from cloud.incidents.models import Incident
from cloud.incidents.services import visible_incidents
from cloud.stores.models import Store

from .serializers import IncidentDetailSerializer, IncidentFilters, IncidentSerializer


def valid_query(params) -> dict:
    query = IncidentFilters(data=params)
    query.is_valid(raise_exception=True)
    return query.validated_data


@extend_schema_view(
    list=extend_schema(
        parameters=[IncidentFilters], description="Incidents of every store, newest first."
    ),
    retrieve=extend_schema(description="One incident with its events, oldest first."),
)
class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Incidents of every store, newest first; one incident with its events."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]
    queryset = Incident.objects.none()  # for the schema; get_queryset answers, by who asks

    def get_serializer_class(self):
        if self.action == "retrieve":
            return IncidentDetailSerializer
        return IncidentSerializer

    def get_queryset(self):
        rows = visible_incidents(self.request.user)
        if self.action == "retrieve":
            return rows.prefetch_related("events")
        wanted = valid_query(self.request.query_params)
        if "store" in wanted:
            rows = rows.filter(store__code=wanted["store"])
        for name in ("state", "severity", "problem"):
            if name in wanted:
                rows = rows.filter(**{name: wanted[name]})
        return rows.order_by("-opened_at", "-id")


class StoreIncidentsView(generics.ListAPIView):
    """One store's incident history, newest first (404 for a store that is not registered)."""

    serializer_class = IncidentDetailSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]
    queryset = Incident.objects.none()

    def get_queryset(self):
        store = get_object_or_404(Store, code=self.kwargs["code"])
        rows = visible_incidents(self.request.user).filter(store=store)
        return rows.prefetch_related("events").order_by("-opened_at", "-id")
