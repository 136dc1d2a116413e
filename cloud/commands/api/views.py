from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cloud.commands import services
from cloud.commands.errors import StoreCommandError, UnknownStores
from cloud.commands.models import StoreCommand
from cloud.core.permissions import OpsAccess
from cloud.stores.models import Store
from tierkit.api.openapi import ErrorSerializer

from .serializers import (
    ChainCommandRequestSerializer,
    StoreCommandRequestSerializer,
    StoreCommandSerializer,
)


class StoreCommandsView(generics.ListAPIView):
    """A store's commands, newest first; POST queues a new one (sent when the store is connected)."""

    serializer_class = StoreCommandSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_queryset(self):
        store = get_object_or_404(Store, code=self.kwargs["code"])
        return StoreCommand.objects.filter(store=store).select_related("store")

    @extend_schema(request=StoreCommandRequestSerializer, responses={202: StoreCommandSerializer})
    def post(self, request, code: str) -> Response:
        store = get_object_or_404(Store, code=code)
        asked = StoreCommandRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            command = services.request_store_command(
                store=store, requested_by=request.user.get_username(), **asked.validated_data
            )
        except StoreCommandError as exc:
            raise ValidationError({"name": [str(exc)]}) from None
        return Response(StoreCommandSerializer(command).data, status=status.HTTP_202_ACCEPTED)


class StoreCommandView(generics.RetrieveAPIView):
    """One store command: its state and, once the store answered, its result."""

    queryset = StoreCommand.objects.select_related("store")
    serializer_class = StoreCommandSerializer
    lookup_value_regex = "[A-Za-z0-9._:-]{1,64}"
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]


class ChainCommandsView(generics.GenericAPIView):
    """The same command to many stores at once (every store unless `stores` lists some): one
    command per store, each followed as usual (GET /api/v1/store-commands/{id}/)."""

    serializer_class = StoreCommandSerializer
    pagination_class = None  # the answer is the commands just queued, not a page of a list
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(
        request=ChainCommandRequestSerializer,
        responses={
            202: StoreCommandSerializer(many=True),
            404: OpenApiResponse(ErrorSerializer, description="a listed store is not registered"),
        },
    )
    def post(self, request) -> Response:
        asked = ChainCommandRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            commands = services.request_chain_command(
                codes=asked.validated_data.pop("stores", None),
                requested_by=request.user.get_username(),
                **asked.validated_data,
            )
        except UnknownStores as exc:  # as for one store named in the path: not found
            raise NotFound(str(exc)) from None
        except StoreCommandError as exc:
            raise ValidationError({"name": [str(exc)]}) from None
        data = StoreCommandSerializer(commands, many=True).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
