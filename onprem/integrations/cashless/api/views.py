"""The terminal's event POSTs land here; the secret in the path stands in for a token."""

from __future__ import annotations

import hmac

from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.integrations.cashless import services


class EventReceiver(APIView):
    # The terminal can send neither OAuth tokens nor CSRF cookies: the path's secret is the check.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request, secret: str) -> Response:
        if not hmac.compare_digest(secret.encode(), services.event_secret().encode()):
            raise NotFound("No such event endpoint.")
        try:
            services.record_event(payload=request.data)
        except ValueError as exc:
            raise ValidationError({"event": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
