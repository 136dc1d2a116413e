from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from oauth2_provider.models import AbstractAccessToken
from rest_framework import viewsets
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.commands import services
from onprem.commands.models import Command
from onprem.core.permissions import ScopedAccess
from onprem.core.roles import ROLES
from onprem.fleet.api.filters import valid_query
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination

from . import serializers

SCOPES = ["staff", "ops"]


class CartInUse(APIException):
    status_code = 409
    default_code = "conflict"


def holds_scope(request, scope: str) -> bool:
    """Does the caller hold `scope` now: its token's scopes, or its signed-in user's role."""
    if isinstance(request.auth, AbstractAccessToken):
        return bool(ROLES.token_scopes(request.auth, among=[scope]))
    return bool(ROLES.holds(request.user, [scope]))


class DeviceCommandView(APIView):
    """Send a hardware command to one device; it is queued and goes out when the device is
    online. Follow it at /api/v1/commands/{id}/."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    kind = "cart"

    @extend_schema(
        request=serializers.CommandRequestSerializer,
        responses={
            202: serializers.CommandSerializer,
            409: OpenApiResponse(
                ErrorSerializer, "The cart is in a shopper's session: send it with force."
            ),
        },
    )
    def post(self, request, device_id: str):
        wanted = serializers.CommandRequestSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        if wanted.validated_data["force"] and not holds_scope(request, services.FORCE_SCOPE):
            raise PermissionDenied("Only a staff user may force a command on a cart in use.")
        command = send_or_explain(
            self.kind, device_id, request.user.get_username(), wanted.validated_data
        )
        return Response(serializers.CommandSerializer(command).data, status=202)


def send_or_explain(kind: str, device_id: str, username: str, wanted: dict) -> Command:
    try:
        return services.request_command(
            kind=kind, device_id=device_id, requested_by=username, **wanted
        )
    except services.UnknownDevice as exc:
        raise NotFound(str(exc)) from None
    except services.CartInUse as exc:
        raise CartInUse(str(exc)) from None
    except services.CommandError as exc:
        raise ValidationError(str(exc)) from None


class CommandPage(BoundedPagination):
    pass


@extend_schema_view(list=extend_schema(parameters=[serializers.CommandFilters]))
class CommandViewSet(viewsets.ReadOnlyModelViewSet):
    """Commands sent to the store's carts and racks, newest first, with where each stands."""

    permission_classes = [ScopedAccess]
    required_scopes = SCOPES
    serializer_class = serializers.CommandSerializer
    pagination_class = CommandPage

    def get_queryset(self):
        if self.action != "list":
            return Command.objects.all()
        wanted = valid_query(serializers.CommandFilters, self.request.query_params)
        return Command.objects.filter(
            **{("device_id" if k == "device" else k): v for k, v in wanted.items()}
        )
