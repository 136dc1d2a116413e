from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cloud.core.permissions import OpsAccess
from cloud.software import services
from cloud.software.errors import RolloutConflict, RolloutError
from cloud.software.models import Rollout, StoreUpdate
from cloud.stores.models import Store
from tierkit.api.openapi import ErrorSerializer

from .serializers import (
    RolloutDetailSerializer,
    RolloutRequestSerializer,
    RolloutSerializer,
    StoreSoftwareSerializer,
)

REFUSED = OpenApiResponse(ErrorSerializer, description="the rollout cannot start as asked")
CONFLICT = OpenApiResponse(ErrorSerializer, description="the rollout's state does not allow it")


def refused(detail: str, code: str, status_code: int) -> Response:
    return Response({"error": code, "detail": detail}, status=status_code)


def with_progress(rollout: Rollout) -> Rollout:
    rollout.progress = services.progress(rollout)
    return rollout


def detail(pk: int) -> dict:
    services.settle_commands([pk])
    updates = StoreUpdate.objects.select_related("store")
    rollout = get_object_or_404(
        Rollout.objects.select_related("release").prefetch_related(
            Prefetch("updates", queryset=updates), "actions"
        ),
        pk=pk,
    )
    return RolloutDetailSerializer(with_progress(rollout)).data


class RolloutsView(generics.ListAPIView):
    """On-prem rollouts, newest first, with their progress; POST starts one (each store is
    checked against the compatibility table; those that pass get the update at once)."""

    queryset = Rollout.objects.none()  # for the schema; get_queryset serves
    serializer_class = RolloutSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_queryset(self):
        return Rollout.objects.select_related("release")

    def list(self, request, *args, **kwargs) -> Response:
        services.settle_commands()
        rows = self.paginate_queryset(self.get_queryset())
        figures = services.progress_of(rollout.pk for rollout in rows)
        for rollout in rows:
            rollout.progress = figures[rollout.pk]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        request=RolloutRequestSerializer,
        responses={201: RolloutDetailSerializer, 400: REFUSED},
    )
    def post(self, request) -> Response:
        asked = RolloutRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            rollout = services.start_rollout(
                asked.validated_data["release"],
                asked.validated_data["stores"],
                request.user,
                note=asked.validated_data["note"],
            )
        except RolloutError as exc:
            return refused(str(exc), "invalid", status.HTTP_400_BAD_REQUEST)
        return Response(detail(rollout.pk), status=status.HTTP_201_CREATED)


class RolloutView(generics.RetrieveAPIView):
    """One rollout: its progress, every store's update with its steps, and its audit."""

    queryset = Rollout.objects.none()
    serializer_class = RolloutDetailSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def retrieve(self, request, pk: int) -> Response:
        return Response(detail(pk))


class RolloutAbortView(APIView):
    """Abort: stores that have not taken the update never will; those already updating finish."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(request=None, responses={200: RolloutDetailSerializer, 409: CONFLICT})
    def post(self, request, pk: int) -> Response:
        rollout = get_object_or_404(Rollout, pk=pk)
        try:
            services.abort(rollout, request.user)
        except RolloutConflict as exc:
            return refused(str(exc), "conflict", status.HTTP_409_CONFLICT)
        return Response(detail(pk))


class StoreSoftwareView(APIView):
    """A store's on-prem software: the version it runs, the update under way, its last ones."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(responses={200: StoreSoftwareSerializer})
    def get(self, request, code: str) -> Response:
        store = get_object_or_404(Store, code=code)
        return Response(StoreSoftwareSerializer(services.store_software(store)).data)
