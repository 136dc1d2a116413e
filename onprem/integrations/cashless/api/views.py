"""The terminal's event POSTs land here; the secret in the path stands in for a token."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.integrations.cashless import services
from tierkit.api.openapi import ErrorSerializer


class EventReceiver(APIView):
    # The terminal can send neither OAuth tokens nor CSRF cookies: the path's secret is the check.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            204: None,
            403: OpenApiResponse(ErrorSerializer, "The receiver is off: no event secret is set."),
        },
        description="A terminal event (JobUpdate or NewTag, docs/integrations/cashless.md).",
    )
    def post(self, request, secret: str) -> Response:
        try:
            known = services.secret_matches(secret)
        except services.ReceiverOffError as exc:  # no secret set: refuse everyone, and say why
            raise PermissionDenied(str(exc)) from None
        if not known:
            raise NotFound("No such event endpoint.")
        try:
            services.record_event(payload=request.data)
        except ValueError as exc:
            raise ValidationError({"event": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
