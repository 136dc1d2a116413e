from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cloud.core.permissions import OpsAccess
from cloud.notifications import services
from cloud.notifications.models import Channel
from tierkit.api.openapi import ErrorSerializer

from .serializers import (
    ChannelSerializer,
    ChannelWithSecretSerializer,
    ChannelWriteSerializer,
    NoticeSerializer,
)

INVALID = OpenApiResponse(ErrorSerializer, description="`fields` names what is wrong and why")


def checked(call, *args, **kwargs) -> Channel:
    try:
        return call(*args, **kwargs)
    except services.ChannelInvalid as exc:
        raise ValidationError({k: [v] for k, v in exc.fields.items()}) from None


class ChannelsView(generics.ListAPIView):
    """Notification channels by name; POST adds one (it sends nothing until an incident or a
    test; a webhook's secret is in this answer only)."""

    queryset = Channel.objects.none()
    serializer_class = ChannelSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_queryset(self):
        return services.channels()

    @extend_schema(
        request=ChannelWriteSerializer,
        responses={201: ChannelWithSecretSerializer, 400: INVALID},
    )
    def post(self, request) -> Response:
        asked = ChannelWriteSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        channel = checked(
            services.create_channel, created_by=request.user.get_username(), **asked.validated_data
        )
        body = ChannelWithSecretSerializer(channel).data
        return Response(body, status=status.HTTP_201_CREATED)


class ChannelView(generics.RetrieveAPIView):
    """One channel; PATCH changes the fields given (a new `secret` is shown once in the answer);
    DELETE removes it with its notices."""

    queryset = Channel.objects.prefetch_related("store_groups")
    serializer_class = ChannelSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(
        request=ChannelWriteSerializer(partial=True),
        responses={200: ChannelWithSecretSerializer, 400: INVALID},
    )
    def patch(self, request, pk: int) -> Response:
        channel = self.get_object()
        asked = ChannelWriteSerializer(data=request.data, partial=True)
        asked.is_valid(raise_exception=True)
        channel = checked(services.update_channel, channel, **asked.validated_data)
        shown = (
            ChannelWithSecretSerializer if "secret" in asked.validated_data else ChannelSerializer
        )
        return Response(shown(channel).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int) -> Response:
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChannelTestView(APIView):
    """Send a test notice now (one attempt, a few seconds at most) and answer how it went:
    state `sent`, or `failed` with `last_error`."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(request=None, responses={200: NoticeSerializer})
    def post(self, request, pk: int) -> Response:
        channel = get_object_or_404(Channel, pk=pk)
        return Response(NoticeSerializer(services.send_test(channel)).data)


class ChannelNoticesView(generics.ListAPIView):
    """The channel's notices, newest first: what was sent, what is being retried, what failed."""

    serializer_class = NoticeSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_queryset(self):
        channel = get_object_or_404(Channel, pk=self.kwargs["pk"])
        return channel.notices.order_by("-created_at", "-id")
